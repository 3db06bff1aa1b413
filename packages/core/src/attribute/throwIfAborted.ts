import { inseqError } from "../errors.js";

/** Throws the `ABORTED` {@link InseqError} (named `AbortError`) when `signal` has been aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw inseqError("ABORTED", "Attribution aborted by its AbortSignal.", signal.reason);
}
