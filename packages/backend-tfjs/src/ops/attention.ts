import * as tf from "@tensorflow/tfjs-core";
import { matMulNN, swapLastAxes } from "./matMulNN.js";

/**
 * Scaled dot-product attention `softmax(q·kᵀ·scale + mask)·v` for `q (batch, heads, lenQ, headDim)`,
 * `k, v (batch, heads, lenK, headDim)` and an additive mask broadcastable to `(batch, heads, lenQ, lenK)` (see
 * `additiveAttentionMask`; pass both causal and padding terms in it). `scale` defaults to `1/√headDim`.
 * Both products run through {@link matMulNN}.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask?: tf.Tensor, scale?: number): tf.Tensor4D {
  const s = scale ?? 1 / Math.sqrt(q.shape[3]);
  return tf.tidy(() => {
    let scores: tf.Tensor = matMulNN(q, swapLastAxes(k));
    if (s !== 1) scores = tf.mul(scores, s);
    if (mask) scores = tf.add(scores, mask);
    return matMulNN(tf.softmax(scores) as tf.Tensor4D, v);
  });
}
