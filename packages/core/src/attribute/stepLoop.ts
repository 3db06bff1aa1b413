import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import type { AttributedSide, AttributionMethod, StepAttribution } from "../method.js";
import type { AttributionModel } from "../model.js";
import type { StepFunction } from "../stepFunctions/stepFunction.js";
import type { PreparedSequence } from "./prepareSequences.js";
import { checkFiniteStep } from "./checkFiniteStep.js";
import { buildStepContrastInputs, createStepContrast, type StepContrastInputs } from "./stepContrast.js";
import { createStepInputs } from "./stepInputs.js";

/** Progress of a running attribution. */
export interface AttributionProgress {
  /** Steps finished so far (forward/backward rounds over the batch). */
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedMs: number;
}

/** What the step loop needs besides the sequences. */
export interface StepLoopParams<TOptions> {
  readonly model: AttributionModel;
  readonly method: AttributionMethod<TOptions>;
  readonly methodOptions: TOptions;
  readonly attributedFn: StepFunction;
  readonly attributedFnArgs: Readonly<Record<string, unknown>>;
  readonly stepScores: readonly { readonly name: string; readonly fn: StepFunction; readonly args: Readonly<Record<string, unknown>> }[];
  readonly attributeTarget: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AttributionProgress) => void;
}

/** Raw per-dimension results of one sequence, NaN where a token was not attributed at a step. */
export interface RawSequenceResult {
  /** `(sourceLen, nSteps, dim)` or null. */
  source: { data: Float32Array; shape: [number, number, number] } | null;
  /** `(targetLen, nSteps, dim)` or null. */
  target: { data: Float32Array; shape: [number, number, number] } | null;
  /** Step scores by name, `(nSteps)`; `deltas` `(nSteps, k)`. */
  stepScores: Record<string, { data: Float32Array; shape: number[] }>;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw inseqError("ABORTED", "Attribution aborted by its AbortSignal.", signal.reason);
}

/** One batch row's placement: sequence index, padding offset of its target (decoder-only), steps range. */
interface Row {
  readonly seq: PreparedSequence;
  readonly index: number;
  /** Left padding of the target in padded coordinates (decoder-only; 0 for encoder-decoder). */
  readonly offset: number;
}

/**
 * The step-wise attribution loop for a batch of sequences (inseq's `attribute` loop). Decoder-only batches are
 * left-padded so that every row's last token aligns; step t (padded coordinates) explains token t of each row whose
 * attributed range covers it, from the prefix `[0, t)`. Encoder-decoder batches right-pad the source (masked) and
 * walk the decoder positions from 1, every row's prefix being real tokens.
 */
export async function runStepLoop<TOptions>(sequences: readonly PreparedSequence[], params: StepLoopParams<TOptions>): Promise<RawSequenceResult[]> {
  const { model, method, methodOptions } = params;
  const encDec = model.isEncoderDecoder;
  const padId = model.specialTokens.pad ?? model.specialTokens.eos ?? 0;
  const maxTarget = Math.max(...sequences.map((s) => s.targetIds.length));
  const maxSource = encDec ? Math.max(...sequences.map((s) => s.sourceIds!.length)) : 0;
  const rows: Row[] = sequences.map((seq, index) => ({ seq, index, offset: encDec ? 0 : maxTarget - seq.targetIds.length }));
  const results: RawSequenceResult[] = sequences.map(() => ({ source: null, target: null, stepScores: {} }));

  // padded id matrices (host side), built once
  const paddedTarget = rows.map((r) => [...new Array(r.offset).fill(padId), ...r.seq.targetIds]);
  const paddedTargetBase = rows.map((r) => [...new Array(r.offset).fill(padId), ...r.seq.targetBaselineIds]);
  const paddedSource = encDec ? rows.map((r) => [...r.seq.sourceIds!, ...new Array(maxSource - r.seq.sourceIds!.length).fill(padId)]) : [];
  const paddedSourceBase = encDec ? rows.map((r) => [...r.seq.sourceBaselineIds!, ...new Array(maxSource - r.seq.sourceIds!.length).fill(padId)]) : [];

  const first = Math.min(...rows.map((r) => r.offset + r.seq.attrPosStart));
  const last = Math.max(...rows.map((r) => r.offset + r.seq.attrPosEnd));
  const t0 = Date.now();
  let done = 0;
  for (let t = first; t < last; t++) {
    throwIfAborted(params.signal);
    const active = rows.filter((r) => r.offset + r.seq.attrPosStart <= t && t < r.offset + r.seq.attrPosEnd);
    if (active.length === 0) continue;
    // drop leading columns that are padding in every active row (masked anyway: same numbers, less work)
    const from = encDec ? 0 : Math.min(...active.map((r) => r.offset));
    const side = (ids: number[][], base: number[][], lo: number, hi: number, maskOf: (r: Row, col: number) => number, sideName: "source" | "target"): AttributedSide => {
      const b = active.length;
      const len = hi - lo;
      const idT = tf.tensor2d(active.map((r) => ids[r.index].slice(lo, hi)), [b, len], "int32");
      const baseT = tf.tensor2d(active.map((r) => base[r.index].slice(lo, hi)), [b, len], "int32");
      const mask = tf.tensor2d(active.map((r) => Array.from({ length: len }, (_, j) => maskOf(r, lo + j))), [b, len], "float32");
      return { ids: idT, embeds: model.embed(idT, sideName), baselineIds: baseT, baselineEmbeds: model.embed(baseT, sideName), mask };
    };
    const target = side(paddedTarget, paddedTargetBase, from, t, (r, col) => (col >= r.offset ? 1 : 0), "target");
    const source = encDec ? side(paddedSource, paddedSourceBase, 0, maxSource, (r, col) => (col < r.seq.sourceIds!.length ? 1 : 0), "source") : undefined;
    const targetTokenIds = tf.tensor1d(active.map((r) => paddedTarget[r.index][t]), "int32");
    const owned: tf.Tensor[] = [target.ids, target.embeds, target.baselineIds, target.baselineEmbeds, target.mask, targetTokenIds];
    if (source) owned.push(source.ids, source.embeds, source.baselineIds, source.baselineEmbeds, source.mask);
    let attribution: StepAttribution | undefined;
    const scoreTensors: tf.Tensor1D[] = [];
    // contrast inputs (contrastTargets / contrastSources) at this step, aligned per row
    const contrastInputs = (kind: "attributedFn" | "stepScores"): StepContrastInputs | undefined => {
      if (!active.every((r) => r.seq.contrast?.[kind])) return undefined;
      const rowsOfStep = active.map((r) => ({ contrast: r.seq.contrast![kind]!, targetIds: r.seq.targetIds, prefixLength: t - r.offset, sequence: r.index }));
      const built = buildStepContrastInputs(rowsOfStep, padId);
      owned.push(...built.tensors);
      return built;
    };
    try {
      const step = createStepInputs({
        model, source, target, targetTokenIds,
        attributeSource: encDec,
        attributeTarget: encDec ? params.attributeTarget : true,
        attributedFn: params.attributedFn,
        attributedFnArgs: params.attributedFnArgs,
        attributedFnContrast: contrastInputs("attributedFn"),
      });
      // The plain forward comes first: it checks the attributed function's options outside any gradient (an error
      // thrown inside tf.grad leaks the tensors the tape saved), and gives the step scores their logits.
      const logits = params.stepScores.length || done === 0 ? tf.tidy(() => step.forward().logits) : undefined;
      try {
        attribution = tf.tidy(() => method.attributeStep(step, methodOptions) as unknown as tf.TensorContainer) as unknown as StepAttribution;
        if (logits && params.stepScores.length) {
          const scoresContrast = contrastInputs("stepScores");
          const contrast = scoresContrast
            ? createStepContrast(model, scoresContrast, { source: source && { embeds: source.embeds, mask: source.mask }, target: { embeds: target.embeds, mask: target.mask } }, { keep: true })
            : undefined;
          try {
            for (const s of params.stepScores) {
              scoreTensors.push(tf.tidy(() => s.fn({ logits, targetIds: targetTokenIds, model, args: s.args, isAttributedFn: false, contrast })));
            }
          } finally {
            contrast?.dispose();
          }
        }
      } finally {
        logits?.dispose();
      }
      await collect(active, t, from, attribution, scoreTensors, params, results, encDec ? maxSource : 0);
    } finally {
      tf.dispose(owned);
      if (attribution) tf.dispose([attribution.source, attribution.target, attribution.deltas].filter((x): x is tf.Tensor => !!x));
      tf.dispose(scoreTensors);
    }
    done++;
    params.onProgress?.({ step: done, totalSteps: last - first, elapsedMs: Date.now() - t0 });
  }
  return results;
}

/** Copies one step's results to the host and scatters them into each sequence's matrices. */
async function collect(
  active: readonly Row[],
  t: number,
  from: number,
  attribution: StepAttribution,
  scoreTensors: readonly tf.Tensor1D[],
  params: StepLoopParams<unknown>,
  results: RawSequenceResult[],
  sourceLen: number,
): Promise<void> {
  const [srcData, tgtData, deltaData, ...scoreData] = await Promise.all([
    attribution.source?.data() as Promise<Float32Array> | undefined,
    attribution.target?.data() as Promise<Float32Array> | undefined,
    attribution.deltas?.data() as Promise<Float32Array> | undefined,
    ...scoreTensors.map((s) => s.data() as Promise<Float32Array>),
  ]);
  const b = active.length;
  active.forEach((r, row) => {
    const seq = r.seq;
    const nSteps = seq.attrPosEnd - seq.attrPosStart;
    const k = t - r.offset - seq.attrPosStart;
    const res = results[r.index];
    // every value kept is checked once, as it is copied (NON_FINITE), without another device read
    const at = { model: params.model, inputText: seq.inputText, targetIds: seq.targetIds, position: t - r.offset };
    if (srcData && attribution.source) {
      const [, len, dim] = attribution.source.shape;
      const n = seq.sourceIds!.length;
      res.source ??= { data: new Float32Array(n * nSteps * dim).fill(NaN), shape: [n, nSteps, dim] };
      for (let j = 0; j < Math.min(n, len, sourceLen); j++) {
        const src = (row * len + j) * dim;
        checkFiniteStep("source attributions", srcData, src, src + dim, at);
        res.source.data.set(srcData.subarray(src, src + dim), (j * nSteps + k) * dim);
      }
    }
    if (tgtData && attribution.target) {
      const [, len, dim] = attribution.target.shape;
      const n = seq.targetIds.length;
      res.target ??= { data: new Float32Array(n * nSteps * dim).fill(NaN), shape: [n, nSteps, dim] };
      for (let c = Math.max(from, r.offset); c < from + len; c++) {
        const j = c - r.offset;
        const src = (row * len + (c - from)) * dim;
        checkFiniteStep("target attributions", tgtData, src, src + dim, at);
        res.target.data.set(tgtData.subarray(src, src + dim), (j * nSteps + k) * dim);
      }
    }
    params.stepScores.forEach((s, i) => {
      res.stepScores[s.name] ??= { data: new Float32Array(nSteps).fill(NaN), shape: [nSteps] };
      checkFiniteStep(`step scores "${s.name}"`, scoreData[i], row, row + 1, at);
      res.stepScores[s.name].data[k] = scoreData[i][row];
    });
    if (deltaData && attribution.deltas) {
      const per = attribution.deltas.size / b;
      res.stepScores.deltas ??= { data: new Float32Array(nSteps * per).fill(NaN), shape: per === 1 ? [nSteps] : [nSteps, per] };
      checkFiniteStep("convergence deltas", deltaData, row * per, (row + 1) * per, at);
      res.stepScores.deltas.data.set(deltaData.subarray(row * per, (row + 1) * per), k * per);
    }
  });
}
