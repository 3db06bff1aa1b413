import * as tf from "@tensorflow/tfjs-core";
import { MASKED_SCORE } from "./attentionMask.js";

/**
 * Additive `(1, 1, len, len)` mask of sliding-window attention: query `q` may not see keys `k ≤ q − window`
 * (Mistral / Gemma 2 / Qwen sliding layers; combine with the causal and padding mask by addition). `undefined` when
 * the window covers every key (`window ≥ len`).
 */
export function slidingWindowMask(length: number, window: number): tf.Tensor4D | undefined {
  if (!Number.isInteger(window) || window < 1) throw new Error(`slidingWindowMask: window must be a positive integer, got ${window}.`);
  if (window >= length) return undefined;
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(0, length, 1, "int32"), [length, 1]);
    const cols = tf.reshape(tf.range(0, length, 1, "int32"), [1, length]);
    const outside = tf.greaterEqual(tf.sub(rows, cols), window);
    return tf.reshape(tf.mul(tf.cast(outside, "float32"), MASKED_SCORE), [1, 1, length, length]) as tf.Tensor4D;
  });
}
