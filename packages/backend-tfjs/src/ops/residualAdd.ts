import * as tf from "@tensorflow/tfjs-core";

/**
 * `a + b` for two tensors of the same shape (a residual connection) whose gradient `[dy, dy]` needs nothing saved:
 * a taped `tf.add` keeps copies of both inputs for a possible broadcast (full copies on the wasm backend).
 */
export function residualAdd<T extends tf.Tensor>(a: T, b: T): T {
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`residualAdd: shapes differ, [${a.shape}] and [${b.shape}] (no broadcasting).`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.add(args[0] as tf.Tensor, args[1] as tf.Tensor),
    // two views of dy (no copy): the tape may dispose one input's gradient while accumulating into it
    gradFunc: (dy: tf.Tensor) => [tf.reshape(dy, dy.shape), tf.reshape(dy, dy.shape)],
  }));
  return op(a, b) as T;
}
