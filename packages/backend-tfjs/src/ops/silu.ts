import * as tf from "@tensorflow/tfjs-core";

/** SiLU / swish: `x · sigmoid(x)`; custom gradient `σ·(1 + x·(1 − σ))` keeping only `x` and `σ`. */
export function silu<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const s = tf.sigmoid(input);
    save([input, s]);
    return {
      value: tf.mul(input, s),
      gradFunc: (dy: tf.Tensor, [xs, sig]: tf.Tensor[]) => tf.tidy(() => tf.mul(tf.mul(dy, sig), tf.add(tf.mul(xs, tf.sub(1, sig)), 1))),
    };
  });
  return op(x) as T;
}
