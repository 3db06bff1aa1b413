import * as tf from "@tensorflow/tfjs-core";

function split(x: tf.Tensor, numHeads: number): tf.Tensor {
  const [b, l, hidden] = x.shape;
  return tf.transpose(tf.reshape(x, [b, l, numHeads, hidden / numHeads]), [0, 2, 1, 3]);
}

function merge(x: tf.Tensor): tf.Tensor {
  const [b, h, l, d] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, l, h * d]);
}

/**
 * `(batch, len, heads·headDim)` → `(batch, heads, len, headDim)`. A custom-gradient op whose backward is
 * {@link mergeHeads} of the gradient: nothing is kept (a taped reshape would keep its input alive).
 */
export function splitHeads(x: tf.Tensor3D, numHeads: number): tf.Tensor4D {
  if (x.shape[2] % numHeads !== 0) throw new Error(`splitHeads: hidden size ${x.shape[2]} is not divisible by ${numHeads} heads.`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: split(args[0] as tf.Tensor, numHeads),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => merge(dy)),
  }));
  return op(x) as tf.Tensor4D;
}

/** `(batch, heads, len, headDim)` → `(batch, len, heads·headDim)`, the inverse of {@link splitHeads} (nothing kept). */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const numHeads = x.shape[1];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: merge(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => split(dy, numHeads)),
  }));
  return op(x) as tf.Tensor3D;
}
