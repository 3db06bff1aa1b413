import type * as tf from "@tensorflow/tfjs-core";

/** A linear layer in compute layout: `y = x·weight + bias`, `weight (in, out)`. */
export interface LinearParams {
  readonly weight: tf.Tensor2D;
  readonly bias?: tf.Tensor1D;
}

/** A layer norm's parameters. */
export interface LayerNormParams {
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
  readonly eps: number;
}
