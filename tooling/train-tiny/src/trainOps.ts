import * as tf from "@tensorflow/tfjs-core";
import { matMulNN, swapLastAxes } from "@inseqjs/backend-tfjs";

// Training needs weight gradients, which backend-tfjs's `linear` skips on purpose (the product's weights are
// frozen). These ops compute the same products with gradients to every operand, through untransposed kernels.

/** `x · W + b` for `x (batch, len, in)` and `W (in, out)`, with gradients to `x`, `W` and `b`. */
export function trainableLinear(x: tf.Tensor3D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor3D {
  const [b, l, inDim] = x.shape;
  const y = tf.add(matMulNN(tf.reshape(x, [b * l, inDim]) as tf.Tensor2D, weight), bias);
  return tf.reshape(y, [b, l, weight.shape[1]]);
}

/** Embedding lookup as `oneHot(ids) · table`: differentiable w.r.t. the table on wasm (no UnsortedSegmentSum there). */
export function embedOneHot(ids: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor3D {
  const [b, l] = ids.shape;
  const [vocab, hidden] = table.shape;
  // oneHot's float32 output is wrong on wasm (tfjs 4.22): build int32 and cast.
  const oneHot = tf.cast(tf.oneHot(tf.reshape(tf.cast(ids, "int32"), [b * l]) as tf.Tensor1D, vocab), "float32") as tf.Tensor2D;
  return tf.reshape(matMulNN(oneHot, table), [b, l, hidden]);
}

/** Tied LM head: `h (rows, hidden) · tableᵀ` → `(rows, vocab)` logits. */
export function tiedLogits(h: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor2D {
  return matMulNN(h, swapLastAxes(table));
}

/** Mean cross-entropy of `logits (rows, vocab)` against int `labels (rows)`, weighted by `weights (rows)` (1 = counted). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.cast(tf.oneHot(tf.cast(labels, "int32"), logits.shape[1]), "float32");
  const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1));
  if (!weights) return tf.mean(nll);
  return tf.div(tf.sum(tf.mul(nll, weights)), tf.maximum(tf.sum(weights), 1));
}
