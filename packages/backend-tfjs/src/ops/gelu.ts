import * as tf from "@tensorflow/tfjs-core";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU (`torch.nn.functional.gelu`, Hugging Face `gelu`): `0.5·x·(1 + erf(x/√2))`. Custom gradient
 * `Φ(x) + x·φ(x)` keeping only `x` and `Φ(x) = 0.5·(1 + erf(x/√2))`.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const erfPlusOne = tf.add(tf.erf(tf.mul(input, Math.SQRT1_2)), 1);
    save([input, erfPlusOne]);
    return {
      value: tf.mul(tf.mul(input, 0.5), erfPlusOne),
      gradFunc: (dy: tf.Tensor, [xs, e]: tf.Tensor[]) =>
        tf.tidy(() => {
          const density = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
          return tf.mul(dy, tf.add(tf.mul(e, 0.5), tf.mul(xs, density)));
        }),
    };
  });
  return op(x) as T;
}
