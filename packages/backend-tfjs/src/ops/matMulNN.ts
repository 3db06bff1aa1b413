import * as tf from "@tensorflow/tfjs-core";

/** Swaps the last two axes with an explicit transpose (the wasm kernel is fast only for untransposed operands). */
export function swapLastAxes<T extends tf.Tensor>(t: T): T {
  const perm = [...Array(t.rank).keys()];
  [perm[t.rank - 1], perm[t.rank - 2]] = [perm[t.rank - 2], perm[t.rank - 1]];
  return tf.transpose(t, perm);
}

function checkOperands(a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank < 2 || a.rank !== b.rank) {
    throw new Error(`matMulNN: operands must have the same rank ≥ 2, got [${a.shape}] and [${b.shape}].`);
  }
  for (let i = 0; i < a.rank - 2; i++) {
    if (a.shape[i] !== b.shape[i]) {
      throw new Error(`matMulNN: batch dimensions must match (no broadcasting), got [${a.shape}] and [${b.shape}].`);
    }
  }
}

const matMulNNGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => tf.tidy(() => [tf.matMul(dy, swapLastAxes(sb)), tf.matMul(swapLastAxes(sa), dy)]),
  };
});

/**
 * `a · b` (batched over equal leading axes) whose forward and gradient only run untransposed matMul kernels:
 * tfjs's own matMul gradient uses the transpose flags, which are 11–34× slower on wasm (STACK.md §3).
 */
export function matMulNN<T extends tf.Tensor>(a: T, b: T): T {
  checkOperands(a, b);
  return matMulNNGrad(a, b) as T;
}
