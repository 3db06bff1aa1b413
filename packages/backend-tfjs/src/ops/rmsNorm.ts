import * as tf from "@tensorflow/tfjs-core";

/**
 * RMS normalisation over the last axis, as Llama's `LlamaRMSNorm`: `x · rsqrt(mean(x²) + eps) · weight`. For Gemma's
 * `(1 + weight)` variant pass the shifted weight (compute `1 + w` once at load).
 */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps: number): T {
  return tf.tidy(() => {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight) as T;
  });
}
