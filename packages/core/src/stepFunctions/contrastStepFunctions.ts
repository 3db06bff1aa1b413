import * as tf from "@tensorflow/tfjs-core";
import { gatherTargets, targetLogProbability } from "./builtinStepFunctions.js";
import { contrastSide } from "./contrastSide.js";
import type { StepFunctionContext } from "./stepFunction.js";
import { booleanArg } from "./stepFunctionArgs.js";

/** Logit of the contrast target given the contrast inputs. inseq's `contrast_logits`. */
export function contrastLogits(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "contrast_logits");
    return gatherTargets(c.logits, c.targetIds);
  });
}

/** Probability (`logprob: true`: log-probability) of the contrast target given the contrast inputs. inseq's `contrast_prob`. */
export function contrastProb(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "contrast_prob");
    const logp = targetLogProbability(c.logits, c.targetIds);
    return booleanArg(ctx.args, "logprob", false) ? logp : (tf.exp(logp) as tf.Tensor1D);
  });
}

/** `logit(target) − logit(contrast target | contrast inputs)` (Yin & Neubig 2022). inseq's `contrast_logits_diff`. */
export function contrastLogitsDiff(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "contrast_logits_diff");
    return tf.sub(gatherTargets(ctx.logits, ctx.targetIds), gatherTargets(c.logits, c.targetIds)) as tf.Tensor1D;
  });
}

/**
 * `p(target) − p(contrast target | contrast inputs)` (log-probabilities with `logprob: true`): which features made
 * the model pick the target rather than its contrastive alternative. inseq's `contrast_prob_diff`.
 */
export function contrastProbDiff(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "contrast_prob_diff");
    const logp = targetLogProbability(ctx.logits, ctx.targetIds);
    const logq = targetLogProbability(c.logits, c.targetIds);
    if (booleanArg(ctx.args, "logprob", false)) return tf.sub(logp, logq) as tf.Tensor1D;
    return tf.sub(tf.exp(logp), tf.exp(logq)) as tf.Tensor1D;
  });
}

/**
 * Pointwise conditional cross-mutual information (Yin et al. 2021): `−log2(p(y | context) / p(y | contrast
 * context))`, in bits. inseq's `pcxmi`.
 */
export function pcxmi(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "pcxmi");
    const logRatio = tf.sub(targetLogProbability(ctx.logits, ctx.targetIds), targetLogProbability(c.logits, c.targetIds));
    return tf.div(logRatio, -Math.LN2) as tf.Tensor1D;
  });
}

/**
 * In-context pointwise V-usable information (Lu et al. 2023): `−log p(y | context) + log p(y | contrast context)`,
 * in nats. inseq's `in_context_pvi`.
 */
export function inContextPvi(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const c = contrastSide(ctx, "in_context_pvi");
    return tf.sub(targetLogProbability(c.logits, c.targetIds), targetLogProbability(ctx.logits, ctx.targetIds)) as tf.Tensor1D;
  });
}
