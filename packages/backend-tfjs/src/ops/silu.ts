import * as tf from "@tensorflow/tfjs-core";

/** SiLU / swish: `x · sigmoid(x)`. */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)) as T);
}
