import type * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel } from "../model.js";

/**
 * The contrastive side of a step (inseq's contrast inputs), present when `contrastTargets` and/or `contrastSources`
 * were given for the function. Rows match the {@link StepFunctionContext} rows (tiled along a path like the inputs).
 */
export interface StepContrast {
  /**
   * `(rows)` int32 ids of the contrast tokens aligned with this step's targets (`contrastTargets` at the aligned
   * position); the step's own target ids when only `contrastSources` were given.
   */
  readonly targetIds: tf.Tensor1D;
  /**
   * Runs the model on the contrast inputs of the same rows (the aligned contrast prefix and, for encoder-decoder
   * models, the contrast source or else the step's own source) and returns `(rows, vocab)` last-position logits.
   * As in inseq, the contrast prefix enters as token ids, so gradients reach only the step's attributed inputs (an
   * encoder-decoder's own source when no `contrastSources` are given). Call inside the caller's `tf.tidy`.
   */
  forward(): tf.Tensor2D;
}

/** What a step function sees: the logits of the last position and the target ids, for every row of a forward. */
export interface StepFunctionContext {
  /** `(rows, vocab)` logits at the last position. */
  readonly logits: tf.Tensor2D;
  /** `(rows)` int32 ids of the tokens being explained. */
  readonly targetIds: tf.Tensor1D;
  readonly model: AttributionModel;
  /** Options of this step function (`{ logprob: true }`); camelCase keys, inseq's snake_case also accepted. */
  readonly args: Readonly<Record<string, unknown>>;
  /** True when the function is the attributed function (called inside the method's gradient), not a step score. */
  readonly isAttributedFn?: boolean;
  /** Contrast inputs of this step, when contrast targets or sources were given (see {@link StepContrast}). */
  readonly contrast?: StepContrast;
}

/** A differentiable per-row score: usable as a step score and as the attributed function. */
export type StepFunction = (ctx: StepFunctionContext) => tf.Tensor1D;
