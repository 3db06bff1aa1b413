import * as tf from "@tensorflow/tfjs-core";
import { topPRemovalMask } from "./logitsFilter.js";
import type { StepFunctionContext } from "./stepFunction.js";
import { numberArg } from "./stepFunctionArgs.js";

/**
 * Number of tokens in the top-p nucleus of the next-token distribution (option `topP`, required), counted per row.
 * Piecewise constant: as the attributed function its gradient is zero. inseq's `top_p_size`.
 */
export function topPSize({ logits, args }: StepFunctionContext): tf.Tensor1D {
  const [rows, vocab] = logits.shape;
  const topP = numberArg(args, "topP", { min: 0, max: 1, stepFunction: "top_p_size" });
  return tf.tidy(() => {
    const removed = topPRemovalMask(logits.dataSync(), rows, vocab, topP, 1);
    const counts = Array.from({ length: rows }, (_, r) => vocab - removed.subarray(r * vocab, (r + 1) * vocab).reduce((a, b) => a + b, 0));
    // connected to the logits with weight 0, so that a gradient exists (and is zero) when it is attributed
    return tf.add(tf.tensor1d(counts), tf.mul(tf.sum(logits, 1), 0)) as tf.Tensor1D;
  });
}
