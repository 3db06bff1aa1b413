import type * as tf from "@tensorflow/tfjs-core";
import { attention, mergeHeads, splitHeads } from "@inseqjs/backend-tfjs";

/**
 * Multi-head scaled dot-product attention of already projected `q (batch, lenQ, hidden)` and
 * `k, v (batch, lenK, hidden)`: split heads, attend with the additive `mask`, merge heads.
 */
export function multiHeadAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, numHeads: number, mask: tf.Tensor | undefined, scale: number): tf.Tensor3D {
  return mergeHeads(attention(splitHeads(q, numHeads), splitHeads(k, numHeads), splitHeads(v, numHeads), mask, scale));
}
