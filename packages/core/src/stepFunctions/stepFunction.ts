import type * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel } from "../model.js";

/** What a step function sees: the logits of the last position and the target ids, for every row of a forward. */
export interface StepFunctionContext {
  /** `(rows, vocab)` logits at the last position. */
  readonly logits: tf.Tensor2D;
  /** `(rows)` int32 ids of the tokens being explained. */
  readonly targetIds: tf.Tensor1D;
  readonly model: AttributionModel;
  /** Options of this step function (`{ logprob: true }`). */
  readonly args: Readonly<Record<string, unknown>>;
}

/** A differentiable per-row score: usable as a step score and as the attributed function. */
export type StepFunction = (ctx: StepFunctionContext) => tf.Tensor1D;
