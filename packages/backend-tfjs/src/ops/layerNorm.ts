import * as tf from "@tensorflow/tfjs-core";

/** Layer normalisation over the last axis, as `torch.nn.LayerNorm`: `(x − mean) / √(var + eps) · gamma + beta` (biased variance). */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta) as T;
  });
}
