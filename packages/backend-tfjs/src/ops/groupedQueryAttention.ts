import * as tf from "@tensorflow/tfjs-core";
import { matMulNN, swapLastAxes } from "./matMulNN.js";
import { softcap } from "./softcap.js";

/** Options of {@link groupedQueryAttention}. */
export interface GroupedQueryAttentionOptions {
  /** Additive mask broadcastable to `(batch, heads, lenQ, lenK)` (causal, padding, sliding window terms summed). */
  readonly mask?: tf.Tensor;
  /** Score scale (default `1/√headDim`). */
  readonly scale?: number;
  /** Gemma 2's attention-logit soft-capping `cap · tanh(s / cap)`, applied after scaling and before the mask. */
  readonly softcap?: number;
}

/**
 * Scaled dot-product attention with grouped key/value heads: `q (batch, heads, lenQ, headDim)` against
 * `k, v (batch, kvHeads, lenK, headDim)`, query head `h` reading key/value head `⌊h / (heads / kvHeads)⌋` — Hugging
 * Face's `repeat_kv`, done by folding each group of query heads into the query axis instead of copying keys and
 * values. Both products run through {@link matMulNN} (untransposed kernels only).
 */
export function groupedQueryAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: GroupedQueryAttentionOptions = {}): tf.Tensor4D {
  const [batch, heads, lenQ, headDim] = q.shape;
  const [kb, kvHeads, lenK, kd] = k.shape;
  if (kb !== batch || kd !== headDim || heads % kvHeads !== 0 || !tf.util.arraysEqual(k.shape, v.shape)) {
    throw new Error(`groupedQueryAttention: q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not fit (heads must be a multiple of kv heads).`);
  }
  const group = heads / kvHeads;
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  return tf.tidy(() => {
    const grouped = tf.reshape(q, [batch, kvHeads, group * lenQ, headDim]) as tf.Tensor4D;
    let scores: tf.Tensor = tf.reshape(matMulNN(grouped, swapLastAxes(k)), [batch, heads, lenQ, lenK]);
    if (scale !== 1) scores = tf.mul(scores, scale);
    if (options.softcap !== undefined) scores = softcap(scores, options.softcap);
    if (options.mask) scores = tf.add(scores, options.mask);
    const probs = tf.reshape(tf.softmax(scores), [batch, kvHeads, group * lenQ, lenK]) as tf.Tensor4D;
    return tf.reshape(matMulNN(probs, v), [batch, heads, lenQ, headDim]) as tf.Tensor4D;
  });
}
