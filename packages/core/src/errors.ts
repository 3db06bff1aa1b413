/** Stable machine-readable codes of every {@link InseqError}. */
export type InseqErrorCode =
  | "UNKNOWN_METHOD"
  | "UNKNOWN_STEP_FUNCTION"
  | "UNKNOWN_AGGREGATOR"
  | "UNKNOWN_LAYER"
  | "UNSUPPORTED_MODEL_TYPE"
  | "MISSING_FILE"
  | "NETWORK_UNAVAILABLE"
  | "MALFORMED_SAFETENSORS"
  | "MALFORMED_FILE"
  | "GENERATED_TEXT_MISMATCH"
  | "EMPTY_INPUT"
  | "INPUT_TOO_LONG"
  | "BATCH_MISMATCH"
  | "NON_FINITE"
  | "INVALID_OPTION"
  | "ABORTED"
  | "INTERNAL";

/**
 * The one error type of inseq.js: a stable `code`, a message that names the problem and the fix, and the
 * underlying `cause` when there is one.
 */
export class InseqError extends Error {
  readonly code: InseqErrorCode;
  constructor(code: InseqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = code === "ABORTED" ? "AbortError" : "InseqError";
    this.code = code;
  }
}

/** Creates an {@link InseqError}; the single place errors are built. */
export function inseqError(code: InseqErrorCode, message: string, cause?: unknown): InseqError {
  return new InseqError(code, message, cause === undefined ? undefined : { cause });
}

/** Whether `value` is an {@link InseqError}, optionally with the given code. */
export function isInseqError(value: unknown, code?: InseqErrorCode): value is InseqError {
  return value instanceof InseqError && (code === undefined || value.code === code);
}
