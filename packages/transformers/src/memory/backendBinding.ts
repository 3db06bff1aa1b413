import * as tf from "@tensorflow/tfjs-core";
import { activeBackendInstance, backendFailure, guardWasmHeap, isBackendInstanceCurrent, markBackendFailed } from "@inseqjs/backend-tfjs";
import { asOutOfMemoryError, inseqError, isFatalBackendFailure } from "@inseqjs/core";
import type { ModelState } from "@inseqjs/core";

const RELOAD = "Load the model again: call resetBackend() from @inseqjs/backend-tfjs (or start a new process), then load it.";

/**
 * The compute backend instance a model's weights live on, and whether it can still compute. A wasm module that
 * aborted or trapped (out of memory) refuses or corrupts every later call, and one re-created by `resetBackend`
 * has lost the weights: either way the model is `broken` and must be loaded again. Creating a binding installs the
 * wasm heap guard (`guardWasmHeap`), which turns most out-of-memory conditions into recoverable errors instead.
 */
export class BackendBinding {
  private readonly instance: object;
  readonly backend: string;

  constructor() {
    guardWasmHeap();
    this.instance = activeBackendInstance();
    this.backend = tf.getBackend();
  }

  /** `disposed` (the weights were freed), `broken` (its backend failed or was re-created) or `ready`. */
  state(disposed: boolean): ModelState {
    if (disposed) return "disposed";
    return backendFailure(this.instance) !== undefined || !isBackendInstanceCurrent(this.instance) ? "broken" : "ready";
  }

  /** Throws at once when the backend cannot compute for this model any more (`label` names the model). */
  throwIfBroken(label: string): void {
    const failure = backendFailure(this.instance);
    if (failure) {
      const why = failure.error instanceof Error ? failure.error.message : String(failure.error);
      throw inseqError("OUT_OF_MEMORY", `${label} cannot compute any more: its ${failure.backend} backend ran out of memory and failed earlier (${why}). ${RELOAD}`, failure.error);
    }
    if (!isBackendInstanceCurrent(this.instance)) {
      throw inseqError("INVALID_OPTION", `${label} cannot compute any more: its ${this.backend} backend was removed or re-created since it was loaded, and its weights with it. Load the model again.`);
    }
  }

  /**
   * `error` thrown while computing with the model, as the error to report: resource failures become
   * `OUT_OF_MEMORY` (a wasm abort or trap also marks the backend failed, so that the model reports `broken`),
   * anything else is returned unchanged.
   */
  describeFailure(error: unknown, label: string): unknown {
    if (isFatalBackendFailure(error)) markBackendFailed(error, this.instance);
    return asOutOfMemoryError(error, label);
  }
}
