import type * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import type { StepContrast, StepFunctionContext } from "./stepFunction.js";
import { booleanArg } from "./stepFunctionArgs.js";

/** Logits and target ids of the contrastive side of a step, as inseq's `_setup_contrast_args` picks them. */
export interface ContrastSide {
  /** `(rows, vocab)` logits the contrast target ids are read from. */
  readonly logits: tf.Tensor2D;
  /** `(rows)` contrast target ids. */
  readonly targetIds: tf.Tensor1D;
}

/** The step's contrast inputs, or an `INVALID_OPTION` naming the options a contrastive function needs. */
export function requireContrast(ctx: StepFunctionContext, stepFunction: string): StepContrast {
  if (ctx.contrast) return ctx.contrast;
  const where = ctx.isAttributedFn ? "attributedFnArgs" : "stepScoresArgs";
  throw inseqError(
    "INVALID_OPTION",
    `Step function "${stepFunction}" compares against contrast inputs, but none were given: pass contrastTargets (a contrastive generation, prompt included for decoder-only models) and/or contrastSources (encoder-decoder models) in ${where} or as attribute options.`,
  );
}

/**
 * The contrastive side of a step. As in inseq, when the function is being attributed and `contrastForceInputs` is
 * not set, the original forward is kept and only the target changes (gradient methods need the attributed inputs
 * in the scored forward); otherwise the model runs on the contrast inputs.
 */
export function contrastSide(ctx: StepFunctionContext, stepFunction: string): ContrastSide {
  const contrast = requireContrast(ctx, stepFunction);
  const useOriginalForward = !!ctx.isAttributedFn && !booleanArg(ctx.args, "contrastForceInputs", false);
  return { logits: useOriginalForward ? ctx.logits : contrast.forward(), targetIds: contrast.targetIds };
}
