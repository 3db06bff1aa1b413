import * as tf from "@tensorflow/tfjs-core";
import { attentionBackward, attentionForward } from "./attentionCore.js";

/**
 * Scaled dot-product attention `softmax(q·kᵀ·scale + mask)·v` for `q (batch, heads, lenQ, headDim)`,
 * `k, v (batch, heads, lenK, headDim)` and an additive mask broadcastable to `(batch, heads, lenQ, lenK)` (see
 * `additiveAttentionMask`; pass both causal and padding terms in it). `scale` defaults to `1/√headDim`.
 * One custom-gradient op (closed-form softmax backward; keeps `q, k, v` and the probabilities only) whose
 * products are all untransposed matMuls. The mask is a constant: no gradient flows to it.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask?: tf.Tensor, scale?: number): tf.Tensor4D {
  const s = scale ?? 1 / Math.sqrt(q.shape[3]);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { out, probs } = attentionForward(qi, ki, vi, mask, s);
    save([qi, ki, vi, probs]);
    return { value: out, gradFunc: (dy: tf.Tensor, [qs, ks, vs, ps]: tf.Tensor[]) => tf.tidy(() => attentionBackward(dy, qs, ks, vs, ps, s)) };
  });
  return op(q, k, v) as tf.Tensor4D;
}
