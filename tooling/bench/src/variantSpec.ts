/** One code version × option set to time: `live` or a snapshot name, plus `attribute` options. */
export interface VariantSpec {
  /** As written on the command line (`D@stepBatchSize=6`). */
  readonly label: string;
  /** `live` (the current build) or a snapshot name. */
  readonly code: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Parses `name` or `name@key=value;key=value` (values as JSON, else strings). */
export function parseVariant(spec: string): VariantSpec {
  const [code, opts = ""] = spec.split("@");
  if (!code) throw new Error(`variant "${spec}" has no code name (use live or a snapshot name).`);
  const options: Record<string, unknown> = {};
  for (const pair of opts.split(";").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`variant option "${pair}" must be key=value.`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    options[pair.slice(0, eq)] = value;
  }
  return { label: spec, code, options };
}
