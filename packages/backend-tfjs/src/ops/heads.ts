import * as tf from "@tensorflow/tfjs-core";

/** `(batch, len, heads·headDim)` → `(batch, heads, len, headDim)`. */
export function splitHeads(x: tf.Tensor3D, numHeads: number): tf.Tensor4D {
  const [b, l, hidden] = x.shape;
  if (hidden % numHeads !== 0) throw new Error(`splitHeads: hidden size ${hidden} is not divisible by ${numHeads} heads.`);
  return tf.tidy(() => tf.transpose(tf.reshape(x, [b, l, numHeads, hidden / numHeads]), [0, 2, 1, 3]) as tf.Tensor4D);
}

/** `(batch, heads, len, headDim)` → `(batch, len, heads·headDim)`, the inverse of {@link splitHeads}. */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [b, h, l, d] = x.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, l, h * d]) as tf.Tensor3D);
}
