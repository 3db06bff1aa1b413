/** A flag the CLI accepts. */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** "boolean" takes no value; "string" one; "list" every following value until the next flag. */
  readonly type: "boolean" | "string" | "list";
  readonly description: string;
}

/** Parsed command line: flags by name and positional arguments. */
export interface ParsedArgs {
  readonly flags: Record<string, string | string[] | boolean>;
  readonly positionals: string[];
}

/** Thrown for command-line mistakes; the CLI prints the message and the usage. */
export class UsageError extends Error {}

/** Parses `argv` against `specs` (supports `--flag value`, `--flag=value`, `-f value`, multi-value `list` flags). */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [key, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const spec = key.startsWith("--") ? byName.get(key.slice(2)) : byShort.get(key.slice(1));
    if (!spec) throw new UsageError(`Unknown option ${key}.`);
    if (spec.type === "boolean") {
      flags[spec.name] = true;
      continue;
    }
    const values: string[] = inline !== undefined ? [inline] : [];
    while (inline === undefined && i + 1 < argv.length && !(argv[i + 1].startsWith("-") && argv[i + 1].length > 1 && !/^-\d/.test(argv[i + 1]))) {
      values.push(argv[++i]);
      if (spec.type === "string") break;
    }
    if (values.length === 0) throw new UsageError(`Option --${spec.name} needs a value.`);
    if (spec.type === "string") flags[spec.name] = values[0];
    else flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), ...values];
  }
  return { flags, positionals };
}

/** Usage lines for `specs`. */
export function formatFlags(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => {
      const left = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${s.type === "boolean" ? "" : s.type === "list" ? " VALUE..." : " VALUE"}`;
      return `  ${left.padEnd(34)}${s.description}`;
    })
    .join("\n");
}
