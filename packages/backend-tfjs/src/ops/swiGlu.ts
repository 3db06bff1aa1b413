import * as tf from "@tensorflow/tfjs-core";

/**
 * The gated MLP product of Llama-family models with SiLU, `silu(gate) · up`, as one custom-gradient op keeping
 * `gate` and `up` only: `d gate = dy · up · σ(g)·(1 + g·(1 − σ(g)))`, `d up = dy · silu(g)` (tfjs's own gradients
 * would also keep the sigmoid and the activation).
 */
export function swiGlu<T extends tf.Tensor>(gate: T, up: T): T {
  if (!tf.util.arraysEqual(gate.shape, up.shape)) throw new Error(`swiGlu: gate [${gate.shape}] and up [${up.shape}] differ.`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [g, u, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([g, u]);
    return {
      value: tf.mul(tf.mul(g, tf.sigmoid(g)), u),
      gradFunc: (dy: tf.Tensor, [gs, us]: tf.Tensor[]) =>
        tf.tidy(() => {
          const sig = tf.sigmoid(gs);
          const silu = tf.mul(gs, sig);
          const dSilu = tf.mul(sig, tf.add(tf.mul(gs, tf.sub(1, sig)), 1));
          return [tf.mul(tf.mul(dy, us), dSilu), tf.mul(dy, silu)];
        }),
    };
  });
  return op(gate, up) as T;
}
