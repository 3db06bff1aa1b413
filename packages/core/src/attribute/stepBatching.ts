import type { AttributionModel } from "../model.js";
import type { PreparedSequence } from "./prepareSequences.js";
import { runStepLoop } from "./stepLoop.js";
import type { RawSequenceResult, StepLoopParams } from "./stepLoop.js";

/** Where a one-step row of a {@link StepGroup} belongs: its sequence and the step's column. */
interface RowOwner {
  readonly sequence: number;
  readonly column: number;
}

/** One forward/backward round of stacked steps: one-step sequences and the columns they fill. */
export interface StepGroup {
  /** Each row is a sequence cut after its attributed token, with that token as its only step. */
  readonly rows: readonly PreparedSequence[];
  readonly owners: readonly RowOwner[];
}

/**
 * Whether the steps of `sequences` can be stacked as rows of one batch: decoder-only models (left padding aligns
 * the rows' last tokens) without contrastive inputs (whose per-step alignment is built for whole sequences).
 */
export function canStackSteps(model: AttributionModel, sequences: readonly PreparedSequence[]): boolean {
  return !model.isEncoderDecoder && sequences.every((s) => !s.contrast);
}

/**
 * Cuts every sequence's attributed steps into groups of `stepBatchSize` consecutive steps; group `g` holds the g-th
 * chunk of every sequence. A step t becomes a row `targetIds[0..t]` attributing t alone: left-padded in the step
 * loop, all rows of a group end at the same column, so the loop attributes them in one round — the prefix `[0, t)`
 * of each row is exactly what the unstacked loop would give its step t.
 */
export function groupSteps(sequences: readonly PreparedSequence[], stepBatchSize: number): StepGroup[] {
  const groups: { rows: PreparedSequence[]; owners: RowOwner[] }[] = [];
  sequences.forEach((seq, sequence) => {
    for (let t = seq.attrPosStart; t < seq.attrPosEnd; t++) {
      const column = t - seq.attrPosStart;
      const g = Math.floor(column / stepBatchSize);
      groups[g] ??= { rows: [], owners: [] };
      groups[g].rows.push({ ...seq, targetIds: seq.targetIds.slice(0, t + 1), targetBaselineIds: seq.targetBaselineIds.slice(0, t + 1), attrPosStart: t, attrPosEnd: t + 1 });
      groups[g].owners.push({ sequence, column });
    }
  });
  return groups;
}

/** Scatters the one-step rows' results of every group into one result per original sequence (NaN-filled layout). */
export function mergeStepResults(sequences: readonly PreparedSequence[], groups: readonly StepGroup[], groupResults: readonly (readonly RawSequenceResult[])[]): RawSequenceResult[] {
  const merged: RawSequenceResult[] = sequences.map(() => ({ source: null, target: null, stepScores: {} }));
  groups.forEach((group, g) => {
    group.owners.forEach(({ sequence, column }, r) => {
      const part = groupResults[g][r];
      const seq = sequences[sequence];
      const nSteps = seq.attrPosEnd - seq.attrPosStart;
      const out = merged[sequence];
      if (part.target) {
        const [rows, , dim] = part.target.shape;
        const n = seq.targetIds.length;
        out.target ??= { data: new Float32Array(n * nSteps * dim).fill(NaN), shape: [n, nSteps, dim] };
        for (let j = 0; j < rows; j++) out.target.data.set(part.target.data.subarray(j * dim, (j + 1) * dim), (j * nSteps + column) * dim);
      }
      for (const [name, score] of Object.entries(part.stepScores)) {
        const per = score.data.length;
        out.stepScores[name] ??= { data: new Float32Array(nSteps * per).fill(NaN), shape: per === 1 && score.shape.length === 1 ? [nSteps] : [nSteps, per] };
        out.stepScores[name].data.set(score.data, column * per);
      }
    });
  });
  return merged;
}

/**
 * Runs the step loop over `sequences`, stacking up to `stepBatchSize` generation steps of each sequence as rows of
 * one forward/backward (see {@link groupSteps}) where {@link canStackSteps} allows it; otherwise, or with
 * `stepBatchSize` 1, the plain step loop. Progress is reported in attributed steps of all sequences together.
 */
export async function runStackedStepLoop<TOptions>(sequences: readonly PreparedSequence[], params: StepLoopParams<TOptions>, stepBatchSize: number): Promise<RawSequenceResult[]> {
  if (stepBatchSize <= 1 || !canStackSteps(params.model, sequences)) return runStepLoop(sequences, params);
  const groups = groupSteps(sequences, stepBatchSize);
  const totalSteps = groups.reduce((n, g) => n + g.rows.length, 0);
  const t0 = Date.now();
  let done = 0;
  const groupResults: RawSequenceResult[][] = [];
  for (const group of groups) {
    groupResults.push(await runStepLoop(group.rows, { ...params, onProgress: undefined }));
    done += group.rows.length;
    params.onProgress?.({ step: done, totalSteps, elapsedMs: Date.now() - t0 });
  }
  return mergeStepResults(sequences, groups, groupResults);
}
