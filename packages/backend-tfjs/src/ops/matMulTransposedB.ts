import * as tf from "@tensorflow/tfjs-core";
import { swapLastAxes } from "./matMulNN.js";

/**
 * `a · bᵀ` for 2-D `a (n, k)` and `b (m, k)` with untransposed kernels only. It transposes whichever side is
 * smaller: `(b · aᵀ)ᵀ` when `n·(k+m) < m·k` (few rows against a big matrix, e.g. an LM head over the vocabulary),
 * else `a · transpose(b)`. No gradient of its own: callers wrap it in a custom gradient.
 */
export function matMulTransposedB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = b.shape[0];
  if (b.shape[1] !== k) throw new Error(`matMulTransposedB: inner dimensions differ, a [${a.shape}] and b [${b.shape}].`);
  if (n * (k + m) < m * k) return swapLastAxes(tf.matMul(b, swapLastAxes(a)));
  return tf.matMul(a, swapLastAxes(b));
}
