import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import type { AttributedSide, AttributionStepInputs, StepForwardInputs, StepForwardOutput } from "../method.js";
import type { AttributionModel, ForwardStream } from "../model.js";
import type { StepFunction } from "../stepFunctions/stepFunction.js";
import { createStepContrast, type StepContrastInputs } from "./stepContrast.js";

/** Everything {@link createStepInputs} needs: the step's tensors (owned by the caller) and the attributed function. */
export interface StepInputsParams {
  readonly model: AttributionModel;
  readonly source?: AttributedSide;
  readonly target: AttributedSide;
  readonly targetTokenIds: tf.Tensor1D;
  readonly attributeSource: boolean;
  readonly attributeTarget: boolean;
  readonly attributedFn: StepFunction;
  readonly attributedFnArgs?: Readonly<Record<string, unknown>>;
  /** Contrast inputs of this step for a contrastive attributed function (`contrastTargets` / `contrastSources`). */
  readonly attributedFnContrast?: StepContrastInputs;
}

function tileRows<T extends tf.Tensor>(t: T, repeat: number): T {
  if (repeat === 1) return t;
  const reps = [repeat, ...new Array(t.rank - 1).fill(1)];
  return tf.tile(t, reps) as T;
}

function checkRescale(model: AttributionModel, repeat: number): void {
  if (!model.supportsDeepLiftRescale) {
    throw inseqError("INVALID_OPTION", `${model.modelClass} does not support DeepLIFT's Rescale rule; use deeplift with rule "gradient" (the default) or a model that sets supportsDeepLiftRescale.`);
  }
  if (repeat % 2 !== 0) throw inseqError("INVALID_OPTION", `DeepLIFT's Rescale rule needs [inputs; references] halves: an even repeat, got ${repeat}.`);
}

/**
 * Builds the {@link AttributionStepInputs} of one step: its `forward` tiles whatever the caller leaves out
 * (`repeat` copies, copy-major) and scores the logits with the attributed function.
 */
export function createStepInputs(params: StepInputsParams): AttributionStepInputs {
  const { model, source, target, targetTokenIds, attributedFn } = params;
  const args = params.attributedFnArgs ?? {};
  const batchSize = target.ids.shape[0];
  const forward = (inputs: StepForwardInputs = {}): StepForwardOutput => {
    const repeat = inputs.repeat ?? 1;
    if (inputs.deepLiftReference) checkRescale(model, repeat);
    const stream = (side: AttributedSide, embeds?: tf.Tensor3D, ids?: tf.Tensor2D): ForwardStream => {
      for (const given of [embeds, ids]) {
        if (given && given.shape[0] !== repeat * batchSize) {
          throw inseqError("BATCH_MISMATCH", `Step forward: an input has ${given.shape[0]} rows, expected repeat × batch = ${repeat} × ${batchSize}.`);
        }
      }
      return { embeds: embeds ?? (ids ? undefined : tileRows(side.embeds, repeat)), ids, mask: tileRows(side.mask, repeat) };
    };
    const streams = {
      source: source ? stream(source, inputs.sourceEmbeds, inputs.sourceIds) : undefined,
      target: stream(target, inputs.targetEmbeds, inputs.targetIds),
    };
    const out = model.forward(streams, {
      capture: inputs.capture,
      override: inputs.override,
      ...(inputs.deepLiftReference ? { deepLiftReference: inputs.deepLiftReference } : {}),
    });
    const contrast = params.attributedFnContrast ? createStepContrast(model, params.attributedFnContrast, { repeat, ...streams }) : undefined;
    const scores = attributedFn({ logits: out.logits, targetIds: tileRows(targetTokenIds, repeat), model, args, isAttributedFn: true, contrast });
    return { scores, logits: out.logits, captured: out.captured };
  };
  return {
    model,
    batchSize,
    source,
    target,
    attributeSource: params.attributeSource,
    attributeTarget: params.attributeTarget,
    targetTokenIds,
    forward,
  };
}
