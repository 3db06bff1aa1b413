import * as tf from "@tensorflow/tfjs-core";

/**
 * RMS normalisation over the last axis, as Llama's `LlamaRMSNorm`: `x · rsqrt(mean(x²) + eps) · weight`. For Gemma's
 * `(1 + weight)` variant pass the shifted weight (compute `1 + w` once at load). One custom-gradient op: the
 * backward is the closed form `dx = r · (g − x̂ · mean(g · x̂))` with `g = dy · weight`, `x̂ = x · r`, keeping only `x`
 * and the per-row `r` (tfjs's own gradients would keep every intermediate of the chain). Gradient to `x` only.
 */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps: number): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(input), -1, true), eps));
    save([input, r]);
    return {
      value: tf.mul(tf.mul(input, r), weight),
      gradFunc: (dy: tf.Tensor, [xs, rs]: tf.Tensor[]) =>
        tf.tidy(() => {
          const normed = tf.mul(xs, rs);
          const g = tf.mul(dy, weight);
          return tf.mul(tf.sub(g, tf.mul(normed, tf.mean(tf.mul(g, normed), -1, true))), rs);
        }),
    };
  });
  return op(x) as T;
}
