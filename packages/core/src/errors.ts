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
  | "OUT_OF_MEMORY"
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

/**
 * Messages of allocation failures that are not `WebAssembly.RuntimeError`s (those — emscripten's `Aborted()`, the
 * traps `memory access out of bounds`, `table index is out of bounds`, `unreachable` — are recognised by type):
 * emscripten's `Cannot enlarge memory arrays` / `Out of memory`, the cpu backend's `Array buffer allocation failed` /
 * `Invalid typed array length`, GPU backends' `Failed to allocate`.
 */
const RESOURCE_FAILURE = /Aborted\(|memory access out of bounds|Cannot enlarge memory|out of memory|Array buffer allocation failed|Invalid typed array length|Failed to allocate/i;

/**
 * Whether `e` is a compute backend running out of memory (or dying of it): a `WebAssembly.RuntimeError`, an error
 * with `code: "OUT_OF_MEMORY"` (the wasm heap guard of `@inseqjs/backend-tfjs`), or a `RangeError` / `Error` whose
 * message is one of the known allocation failures. {@link InseqError}s are never resource failures here.
 */
export function isResourceExhaustion(e: unknown): boolean {
  if (e instanceof InseqError) return false;
  if (typeof WebAssembly === "object" && e instanceof WebAssembly.RuntimeError) return true;
  if (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "OUT_OF_MEMORY") return true;
  return e instanceof Error && RESOURCE_FAILURE.test(e.message);
}

/** Whether `e` leaves a wasm module unusable (an abort or trap: every later call into it fails or computes garbage). */
export function isFatalBackendFailure(e: unknown): boolean {
  return typeof WebAssembly === "object" && e instanceof WebAssembly.RuntimeError;
}

/**
 * `e` as an `OUT_OF_MEMORY` {@link InseqError} (original as `cause`) when it is a resource failure
 * ({@link isResourceExhaustion}), else `e` unchanged. `context` names what ran (`"GPT2LMHeadModel forward"`);
 * a fatal failure ({@link isFatalBackendFailure}) says that the model must be reloaded.
 */
export function asOutOfMemoryError(e: unknown, context: string): unknown {
  if (!isResourceExhaustion(e)) return e;
  const original = e instanceof Error ? e.message : String(e);
  const fix = isFatalBackendFailure(e)
    ? "The backend's wasm module cannot be used after this: reload the model (after resetBackend() from @inseqjs/backend-tfjs, or in a new process)."
    : "Nothing was lost: the model stays usable.";
  return inseqError(
    "OUT_OF_MEMORY",
    `${context} ran out of memory (${original}). Use a shorter input, a smaller internalBatchSize or stepBatchSize, block recomputation, or another backend (INSEQJS_MEMORY_LIMIT_BYTES sets the limit the checks use). ${fix}`,
    e,
  );
}
