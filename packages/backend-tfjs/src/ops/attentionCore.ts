import * as tf from "@tensorflow/tfjs-core";
import { swapLastAxes } from "./matMulNN.js";

/**
 * Forward of scaled dot-product attention on `(…, lenQ, d)` / `(…, lenK, d)` operands: `P = softmax(q·kᵀ·scale + mask)`
 * and `P·v`. Untransposed matMul kernels only (explicit transposes).
 */
export function attentionForward(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | undefined, scale: number): { out: tf.Tensor; probs: tf.Tensor } {
  let scores: tf.Tensor = tf.matMul(q, swapLastAxes(k));
  if (scale !== 1) scores = tf.mul(scores, scale);
  if (mask) scores = tf.add(scores, mask);
  const probs = tf.softmax(scores);
  return { out: tf.matMul(probs, v), probs };
}

/**
 * Gradients `[dq, dk, dv]` of {@link attentionForward} for the output gradient `dy`, from the saved `q, k, v` and
 * probabilities `P`: `dP = dy·vᵀ`, `dv = Pᵀ·dy`, `dS = P ⊙ (dP − Σ_j dP⊙P)·scale`, `dq = dS·k`, `dk = dSᵀ·q`.
 */
export function attentionBackward(dy: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, probs: tf.Tensor, scale: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const dProbs = tf.matMul(dy, swapLastAxes(v));
  const dv = tf.matMul(swapLastAxes(probs), dy);
  let dScores = tf.mul(probs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, probs), -1, true)));
  if (scale !== 1) dScores = tf.mul(dScores, scale);
  return [tf.matMul(dScores, k), tf.matMul(swapLastAxes(dScores), q), dv];
}
