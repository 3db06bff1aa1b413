import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import { createStepInputs } from "../attribute/stepInputs.js";
import type { AttributedSide, AttributionStepInputs } from "../method.js";
import type { AttributionModel, InputSide } from "../model.js";
import { probability } from "../stepFunctions/builtinStepFunctions.js";
import type { StepFunction } from "../stepFunctions/stepFunction.js";

/** Options of {@link makeStepInputs}. */
export interface MakeStepInputsOptions {
  /** Decoder prefix of every row (left-padded to a common length with the pad id). */
  readonly targetIds: readonly (readonly number[])[];
  /** Encoder input of every row (encoder-decoder models; right-padded). */
  readonly sourceIds?: readonly (readonly number[])[];
  /** Token explained at this step, per row. */
  readonly targetTokenIds: readonly number[];
  /** Encoder-decoder only: also attribute the decoder prefix (decoder-only models always do). */
  readonly attributeTarget?: boolean;
  /** Baseline id of every real position (default `<unk>`); eos positions keep eos, padding keeps pad. */
  readonly baselineId?: number;
  /** Attributed function (default: softmax probability of the target token). */
  readonly attributedFn?: StepFunction;
  readonly attributedFnArgs?: Readonly<Record<string, unknown>>;
}

/** A single step built from ids, owning its tensors until {@link TestStepInputs.dispose}. */
export interface TestStepInputs extends AttributionStepInputs {
  dispose(): void;
}

/**
 * Builds the {@link AttributionStepInputs} of one step from token ids, with the step-loop semantics of
 * `StepForwardInputs`: missing inputs are the step's own tensors tiled `repeat` times copy-major, and `scores` is
 * the attributed function of the last-position logits at the (tiled) target ids. For unit tests of methods.
 */
export function makeStepInputs(model: AttributionModel, options: MakeStepInputsOptions): TestStepInputs {
  const B = options.targetIds.length;
  if (B === 0 || options.targetTokenIds.length !== B) {
    throw inseqError("BATCH_MISMATCH", `makeStepInputs: ${B} target rows but ${options.targetTokenIds.length} target token ids; give one per row.`);
  }
  if (model.isEncoderDecoder !== (options.sourceIds !== undefined)) {
    throw inseqError("INVALID_OPTION", `makeStepInputs: sourceIds must be given exactly for encoder-decoder models.`);
  }
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const { pad = 0, eos, unk } = model.specialTokens;
  const baselineId = options.baselineId ?? unk ?? pad;

  const side = (rows: readonly (readonly number[])[], padLeft: boolean, which: InputSide): AttributedSide => {
    const len = Math.max(...rows.map((r) => r.length));
    const ids: number[][] = [];
    const mask: number[][] = [];
    const base: number[][] = [];
    for (const row of rows) {
      const padding = Array<number>(len - row.length).fill(pad);
      const zeros = Array<number>(len - row.length).fill(0);
      const baseline = row.map((id) => (id === eos ? id : baselineId));
      ids.push(padLeft ? [...padding, ...row] : [...row, ...padding]);
      mask.push(padLeft ? [...zeros, ...row.map(() => 1)] : [...row.map(() => 1), ...zeros]);
      base.push(padLeft ? [...padding, ...baseline] : [...baseline, ...padding]);
    }
    const idsT = keep(tf.tensor2d(ids, [B, len], "int32"));
    const baselineIds = keep(tf.tensor2d(base, [B, len], "int32"));
    return {
      ids: idsT,
      embeds: keep(model.embed(idsT, which)),
      baselineIds,
      baselineEmbeds: keep(model.embed(baselineIds, which)),
      mask: keep(tf.tensor2d(mask, [B, len], "float32")),
    };
  };

  const target = side(options.targetIds, true, "target");
  const source = options.sourceIds ? side(options.sourceIds, false, "source") : undefined;
  if (source && options.sourceIds!.length !== B) throw inseqError("BATCH_MISMATCH", `makeStepInputs: ${options.sourceIds!.length} source rows for ${B} target rows.`);
  const targetTokenIds = keep(tf.tensor1d(options.targetTokenIds as number[], "int32"));
  const attributedFn = options.attributedFn ?? probability;

  const step = createStepInputs({
    model,
    source,
    target,
    targetTokenIds,
    attributeSource: model.isEncoderDecoder,
    attributeTarget: model.isEncoderDecoder ? (options.attributeTarget ?? false) : true,
    attributedFn,
    attributedFnArgs: options.attributedFnArgs,
  });
  return { ...step, dispose: () => owned.forEach((t) => t.dispose()) };
}
