import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import type { AttributionModel, ForwardStream } from "../model.js";
import type { StepContrast } from "../stepFunctions/stepFunction.js";
import type { SequenceContrast } from "./prepareContrast.js";

/** One batch row of a step, as the contrast builder needs it. */
export interface ContrastRow {
  readonly contrast: SequenceContrast;
  /** The sequence's original full target ids. */
  readonly targetIds: readonly number[];
  /** Length of the row's original prefix at this step (the position of the token explained). */
  readonly prefixLength: number;
  /** Sequence index, for messages. */
  readonly sequence: number;
}

/** The contrast tensors of one step, owned by the step loop (dispose with `tensors`). */
export interface StepContrastInputs {
  /** `(batch)` contrast target ids. */
  readonly targetIds: tf.Tensor1D;
  /** `(batch, len)` aligned contrast prefixes, left-padded, with their mask. */
  readonly prefixIds: tf.Tensor2D;
  readonly prefixMask: tf.Tensor2D;
  /** Whether a row's contrast prefix differs from its original prefix. */
  readonly prefixChanged: boolean;
  /** `(batch, len)` contrast sources, right-padded, when contrast sources were given. */
  readonly sourceIds?: tf.Tensor2D;
  readonly sourceMask?: tf.Tensor2D;
  /** Every tensor above. */
  readonly tensors: readonly tf.Tensor[];
}

/**
 * Builds the contrast inputs of one step: for every row, the contrast position aligned with the prefix length
 * (inseq's `slice_batch_from_position`), the contrast prefix before it and the contrast token at it.
 */
export function buildStepContrastInputs(rows: readonly ContrastRow[], padId: number): StepContrastInputs {
  const prefixes: number[][] = [];
  const targets: number[] = [];
  let prefixChanged = false;
  for (const r of rows) {
    const ids = r.contrast.targetIds ?? r.targetIds;
    const a = r.contrast.alignedIndex[r.prefixLength] ?? r.prefixLength;
    if (a < 1 || a >= ids.length) {
      throw inseqError(
        "INVALID_OPTION",
        `Contrast of sequence ${r.sequence}: target position ${r.prefixLength} is aligned with contrast position ${a}, but the contrast target has ${ids.length} tokens (positions 1..${ids.length - 1} can be explained); give a longer contrastTargets text or contrastTargetsAlignments covering every attributed position.`,
      );
    }
    const prefix = ids.slice(0, a);
    prefixChanged ||= prefix.length !== r.prefixLength || prefix.some((id, j) => id !== r.targetIds[j]);
    prefixes.push(prefix);
    targets.push(ids[a]);
  }
  const len = Math.max(...prefixes.map((p) => p.length));
  const b = rows.length;
  const tensors: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
  const targetIds = own(tf.tensor1d(targets, "int32"));
  const prefixIds = own(tf.tensor2d(prefixes.map((p) => [...new Array(len - p.length).fill(padId), ...p]), [b, len], "int32"));
  const prefixMask = own(tf.tensor2d(prefixes.map((p) => [...new Array(len - p.length).fill(0), ...p.map(() => 1)]), [b, len], "float32"));
  let sourceIds: tf.Tensor2D | undefined;
  let sourceMask: tf.Tensor2D | undefined;
  if (rows.every((r) => r.contrast.sourceIds !== undefined)) {
    const list = rows.map((r) => r.contrast.sourceIds!);
    const srcLen = Math.max(...list.map((s) => s.length));
    sourceIds = own(tf.tensor2d(list.map((s) => [...s, ...new Array(srcLen - s.length).fill(padId)]), [b, srcLen], "int32"));
    sourceMask = own(tf.tensor2d(list.map((s) => [...s.map(() => 1), ...new Array(srcLen - s.length).fill(0)]), [b, srcLen], "float32"));
  }
  return { targetIds, prefixIds, prefixMask, prefixChanged, sourceIds, sourceMask, tensors };
}

function tileRows<T extends tf.Tensor>(t: T, repeat: number): T {
  if (repeat === 1) return t;
  return tf.tile(t, [repeat, ...new Array(t.rank - 1).fill(1)]) as T;
}

/** The original streams of the forward a contrast is paired with. */
export interface ContrastOriginal {
  /** Stacked copies of the step batch in the streams (default 1). */
  readonly repeat?: number;
  readonly source?: ForwardStream;
  readonly target: ForwardStream;
}

/**
 * The {@link StepContrast} of a forward. Its contrast forward feeds the contrast prefix as token ids (for
 * decoder-only models always, as inseq), the contrast source as ids when given, and otherwise the original source
 * stream (and, for encoder-decoder models whose prefix is unchanged, the original target stream), so gradients reach
 * only those original inputs. With `keep` the logits are computed once, kept out of `tf.tidy`, and freed by
 * `dispose` (for step scores outside a gradient).
 */
export function createStepContrast(
  model: AttributionModel,
  inputs: StepContrastInputs,
  original: ContrastOriginal,
  options: { keep?: boolean } = {},
): StepContrast & { dispose(): void } {
  const repeat = original.repeat ?? 1;
  let kept: tf.Tensor2D | undefined;
  const run = (): tf.Tensor2D =>
    tf.tidy(() => {
      const keepTarget = model.isEncoderDecoder && !inputs.prefixChanged;
      const target: ForwardStream = keepTarget ? original.target : { ids: tileRows(inputs.prefixIds, repeat), mask: tileRows(inputs.prefixMask, repeat) };
      const source: ForwardStream | undefined =
        inputs.sourceIds && inputs.sourceMask ? { ids: tileRows(inputs.sourceIds, repeat), mask: tileRows(inputs.sourceMask, repeat) } : original.source;
      return model.forward({ source, target }).logits;
    });
  return {
    targetIds: tileRows(inputs.targetIds, repeat),
    forward() {
      if (!options.keep) return run();
      kept ??= tf.keep(run());
      return kept;
    },
    dispose() {
      kept?.dispose();
      kept = undefined;
    },
  };
}
