import * as tf from "@tensorflow/tfjs-core";

/**
 * Layer normalisation over the last axis, as `torch.nn.LayerNorm`: `(x − mean) / √(var + eps) · gamma + beta` (biased
 * variance). One custom-gradient op: the backward is the closed form `dx = rstd · (g − mean(g) − x̂·mean(g·x̂))` with
 * `g = dy·gamma`, and only `x̂` and `rstd` are kept for it (tfjs's own gradients would keep a copy of every
 * intermediate, which the wasm backend makes by value). Gradient to `x` only: `gamma` and `beta` are constants.
 */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, -1, true);
    const centered = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const normed = tf.mul(centered, rstd);
    save([normed, rstd]);
    return {
      value: tf.add(tf.mul(normed, gamma), beta),
      gradFunc: (dy: tf.Tensor, [xHat, r]: tf.Tensor[]) =>
        tf.tidy(() => {
          const g = tf.mul(dy, gamma);
          const meanG = tf.mean(g, -1, true);
          const meanGX = tf.mean(tf.mul(g, xHat), -1, true);
          return tf.mul(tf.sub(tf.sub(g, meanG), tf.mul(xHat, meanGX)), r);
        }),
    };
  });
  return op(x) as T;
}
