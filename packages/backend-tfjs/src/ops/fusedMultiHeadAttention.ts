import * as tf from "@tensorflow/tfjs-core";
import { attentionBackward, attentionForward } from "./attentionCore.js";

function split(x: tf.Tensor, heads: number): tf.Tensor {
  const [b, l, hidden] = x.shape;
  return tf.transpose(tf.reshape(x, [b, l, heads, hidden / heads]), [0, 2, 1, 3]);
}

function merge(x: tf.Tensor): tf.Tensor {
  const [b, h, l, d] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, l, h * d]);
}

/**
 * Multi-head attention of already projected `q (batch, lenQ, heads·headDim)` and `k, v (batch, lenK, heads·headDim)`:
 * split heads, `softmax(q·kᵀ·scale + mask)·v`, merge heads — `mergeHeads(attention(splitHeads(q), …))` as one
 * custom-gradient op. The head reshapes run off the gradient tape (a taped reshape keeps a copy of its input, a full
 * copy on wasm); the backward keeps the split `q, k, v` and the probabilities only. `mask` is a constant additive
 * mask broadcastable to `(batch, heads, lenQ, lenK)`.
 */
export function fusedMultiHeadAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, numHeads: number, mask: tf.Tensor | undefined, scale: number): tf.Tensor3D {
  const hidden = q.shape[2];
  if (hidden % numHeads !== 0 || k.shape[2] !== hidden || v.shape[2] !== hidden || !tf.util.arraysEqual(k.shape, v.shape) || k.shape[0] !== q.shape[0]) {
    throw new Error(`fusedMultiHeadAttention: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not fit ${numHeads} heads.`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [qh, kh, vh] = [qi, ki, vi].map((t) => split(t, numHeads));
    const { out, probs } = attentionForward(qh, kh, vh, mask, scale);
    save([qh, kh, vh, probs]);
    return {
      value: merge(out),
      gradFunc: (dy: tf.Tensor, [qs, ks, vs, ps]: tf.Tensor[]) => tf.tidy(() => attentionBackward(split(dy, numHeads), qs, ks, vs, ps, scale).map(merge)),
    };
  });
  return op(q, k, v) as tf.Tensor3D;
}
