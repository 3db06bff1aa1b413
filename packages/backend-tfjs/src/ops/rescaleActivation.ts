import * as tf from "@tensorflow/tfjs-core";

/** Below this `|x − x_ref|` the secant slope is noise in float32, so the rule falls back to the gradient `f'(x)`. */
export const RESCALE_EPSILON = 1e-6;

/** `[a − b; a − b]` for the halves `[a; b]` of `t`'s rows. */
function halfDifference(t: tf.Tensor): tf.Tensor {
  const [a, b] = tf.split(t, 2, 0);
  const d = tf.sub(a, b);
  return tf.concat([d, d], 0);
}

/**
 * An elementwise activation `f` under DeepLIFT's Rescale rule (Captum's `nonlinear` hook, done as an op). The rows of
 * `x` are two halves, `[inputs; references]`; the value is `f(x)`, and the gradient of both halves is multiplied by the
 * secant slope `(f(x) − f(x_ref)) / (x − x_ref)` instead of `f'(x)`, falling back to each row's own `f'` where
 * `|x − x_ref| < eps` (Captum: `where(|Δin| < eps, grad_input, grad_output · Δout / Δin)`).
 */
export function rescaleActivation<T extends tf.Tensor>(f: (x: T) => T, x: T, eps = RESCALE_EPSILON): T {
  if (x.rank < 1 || x.shape[0] % 2 !== 0) {
    throw new Error(`rescaleActivation: the rows of x must be [inputs; references] halves, got shape [${x.shape}] (an odd first dimension).`);
  }
  // 1 where the fallback applies; computed inside a custom op so that no comparison lands on the gradient tape.
  const fallbackMask = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tidy(() => tf.cast(tf.less(tf.abs(halfDifference(args[0] as tf.Tensor)), eps), "float32")),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  // f(x) whose gradient is the secant slope (0 where the fallback applies; f's own gradient covers those).
  const secant = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [T, tf.GradSaveFunc];
    const value = f(input);
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xs, ys]: tf.Tensor[]) =>
        tf.tidy(() => {
          const deltaIn = halfDifference(xs);
          const small = tf.less(tf.abs(deltaIn), eps);
          const slope = tf.where(small, tf.zerosLike(deltaIn), tf.div(halfDifference(ys), tf.where(small, tf.onesLike(deltaIn), deltaIn)));
          return tf.mul(dy, slope);
        }),
    };
  });
  return tf.tidy(() => {
    const mask = fallbackMask(x);
    // mask ∈ {0, 1} and both terms equal f(x), so the value is f(x) exactly.
    return tf.add(tf.mul(mask, f(x)), tf.mul(tf.sub(1, mask), secant(x))) as T;
  });
}
