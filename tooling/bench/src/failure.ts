/** Why one side of a workload produced no measurement: reported as a row, the bench goes on. */
export interface FailureInfo {
  /** An `InseqError` code (`OUT_OF_MEMORY`, `INPUT_TOO_LONG`...), the error's name (`RuntimeError`), `TIMEOUT`, `EXIT_1`... */
  readonly code: string;
  /** First line of the message. */
  readonly message: string;
  /** Seconds from the start of the process to the failure, when known. */
  readonly afterS?: number;
}

/** An error carrying a {@link FailureInfo}. */
export class BenchFailure extends Error {
  readonly info: FailureInfo;
  constructor(info: FailureInfo) {
    super(`${info.code}: ${info.message}`);
    this.name = "BenchFailure";
    this.info = info;
  }
}

/** The first non-empty line of `text`. */
export function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
}

/**
 * What failed, from anything thrown: a {@link BenchFailure}'s info; an error's string `code` (InseqError) or its
 * name (`RuntimeError`, `RangeError`), with the message's first line.
 */
export function failureOf(e: unknown): FailureInfo {
  if (e instanceof BenchFailure) return e.info;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === "string" && code ? code : e.name || "Error", message: firstLine(e.message) };
  }
  return { code: "Error", message: firstLine(String(e)) };
}

/** `CODE: message` of a failure, for the report. */
export function formatFailure(f: FailureInfo): string {
  return `${f.code}: ${f.message}${f.afterS !== undefined ? ` (after ${f.afterS.toFixed(1)} s)` : ""}`;
}
