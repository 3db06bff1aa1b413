import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import { requireContrast } from "./contrastSide.js";
import { topKRemovalMask, topPRemovalMask } from "./logitsFilter.js";
import type { StepFunctionContext } from "./stepFunction.js";
import { booleanArg, numberArg } from "./stepFunctionArgs.js";

/** Added to the logits of filtered-out tokens: their probability becomes exactly 0 without −∞ (no NaN, differentiable). */
const REMOVED = -1e9;

/**
 * `KL(P ‖ Q)` between the next-token distributions with the original inputs (P) and with the contrast inputs (Q),
 * in nats. With `topP < 1` and/or `topK > 0` both distributions are restricted to the tokens kept by filtering the
 * summed logits P + Q (top-p first, then top-k, keeping at least `minTokensToKeep`) and renormalised, as inseq's
 * `filter_logits`; filtered tokens contribute nothing (inseq's torch `kl_div` turns them into NaN). As the
 * attributed function it needs `contrastForceInputs: true`, as in inseq. inseq's `kl_divergence`.
 */
export function klDivergence(ctx: StepFunctionContext): tf.Tensor1D {
  const force = booleanArg(ctx.args, "contrastForceInputs", false);
  if (ctx.isAttributedFn && !force) {
    throw inseqError(
      "INVALID_OPTION",
      `Using kl_divergence as the attributed function compares two different forwards; pass contrastForceInputs: true in attributedFnArgs to attribute it anyway (as inseq's --contrast_force_inputs).`,
    );
  }
  const contrast = requireContrast(ctx, "kl_divergence");
  const [rows, vocab] = ctx.logits.shape;
  const topK = numberArg(ctx.args, "topK", { fallback: 0, min: 0, max: vocab, integer: true, stepFunction: "kl_divergence" });
  const topP = numberArg(ctx.args, "topP", { fallback: 1, min: 0, max: 1, stepFunction: "kl_divergence" });
  const minTokensToKeep = numberArg(ctx.args, "minTokensToKeep", { fallback: 1, min: 1, max: vocab, integer: true, stepFunction: "kl_divergence" });
  return tf.tidy(() => {
    let original: tf.Tensor2D = ctx.logits;
    let contrastLogits = contrast.forward();
    if (topP < 1 || topK > 0) {
      const merged = tf.add(original, contrastLogits).dataSync();
      const removed = topP < 1 ? topPRemovalMask(merged, rows, vocab, topP, minTokensToKeep) : new Uint8Array(rows * vocab);
      if (topK > 0) {
        const kept = Float32Array.from(merged, (v, i) => (removed[i] ? -Infinity : v));
        topKRemovalMask(kept, rows, vocab, topK, minTokensToKeep).forEach((r, i) => (removed[i] ||= r));
      }
      const offset = tf.tensor2d(Float32Array.from(removed, (r) => (r ? REMOVED : 0)), [rows, vocab]);
      original = tf.add(original, offset);
      contrastLogits = tf.add(contrastLogits, offset);
    }
    const logP = tf.logSoftmax(original);
    const logQ = tf.logSoftmax(contrastLogits);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1) as tf.Tensor1D;
  });
}
