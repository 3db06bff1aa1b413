import type * as tf from "@tensorflow/tfjs-core";
import { fusedMultiHeadAttention } from "@inseqjs/backend-tfjs";

/**
 * Multi-head scaled dot-product attention of already projected `q (batch, lenQ, hidden)` and
 * `k, v (batch, lenK, hidden)`: split heads, attend with the additive `mask`, merge heads (one custom-gradient op).
 */
export function multiHeadAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, numHeads: number, mask: tf.Tensor | undefined, scale: number): tf.Tensor3D {
  return fusedMultiHeadAttention(q, k, v, numHeads, mask, scale);
}
