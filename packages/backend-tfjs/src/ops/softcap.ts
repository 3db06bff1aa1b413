import * as tf from "@tensorflow/tfjs-core";

/** Soft-capping `cap · tanh(x / cap)` (Gemma 2's attention-logit and final-logit capping). */
export function softcap<T extends tf.Tensor>(x: T, cap: number): T {
  return tf.tidy(() => tf.mul(tf.tanh(tf.div(x, cap)), cap) as T);
}
