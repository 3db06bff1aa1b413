import { APPROXIMATION_METHODS } from "@inseqjs/core";
import type { ApproximationMethod } from "@inseqjs/core";
import type { OptionReader } from "@inseqjs/core";

/** Options shared by the integrated-gradients family. */
export interface PathOptions {
  /** Number of path points. Default 50. */
  readonly nSteps: number;
  /** Integral approximation (Captum's names). Default `"gausslegendre"`. */
  readonly method: ApproximationMethod;
  /** Multiply the integrated gradients by `(x − b)`. Default true. */
  readonly multiplyByInputs: boolean;
  /**
   * Rows (path points × batch) per forward pass, as Captum's `internal_batch_size` (at least one point per forward).
   * Bounds peak memory; results equal the single-batch ones. Default: the whole path in one forward.
   */
  readonly internalBatchSize?: number;
  /** Also return `Σ attr − (f(x) − f(b))` per row as the `deltas` step score. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/** Option names of {@link PathOptions}. */
export const PATH_OPTION_NAMES = ["nSteps", "method", "multiplyByInputs", "internalBatchSize", "returnConvergenceDelta"] as const;

/** Reads {@link PathOptions} with inseq's defaults; Riemann rules need `nSteps > 1`. */
export function readPathOptions(read: OptionReader): PathOptions {
  const method = read.choice("method", APPROXIMATION_METHODS, "gausslegendre");
  return {
    nSteps: read.integer("nSteps", 50, method === "gausslegendre" ? 1 : 2),
    method,
    multiplyByInputs: read.boolean("multiplyByInputs", true),
    internalBatchSize: read.optionalInteger("internalBatchSize", 1),
    returnConvergenceDelta: read.boolean("returnConvergenceDelta", false),
  };
}
