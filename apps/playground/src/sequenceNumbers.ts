import type { FeatureAttributionOutput, NdArray } from "@inseqjs/core";
import type { SequenceNumbers } from "./protocol.js";

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const matrix = (m: number[][] | null): (number | null)[][] | null => m && m.map((r) => r.map(finite));
const raw = (a: NdArray | null): { shape: number[]; data: (number | null)[] } | null => a && { shape: [...a.shape], data: Array.from(a.data, finite) };

/**
 * The numbers of every sequence of `output` (raw per-dimension attributions and the aggregated matrices the heatmap
 * shows), JSON-safe: the page exposes them as `window.__result`, the tests compare them across backends.
 */
export function sequenceNumbers(output: FeatureAttributionOutput): SequenceNumbers[] {
  const scores = output.getScores();
  return output.sequenceAttributions.map((seq, i) => {
    const s = scores[i];
    return {
      sourceTokens: s.source?.map((t) => t.token) ?? null,
      targetTokens: s.target.map((t) => t.token),
      sourceScores: matrix(s.sourceAttributions),
      targetScores: matrix(s.targetAttributions),
      stepScores: Object.fromEntries(Object.entries(s.stepScores).map(([k, v]) => [k, (v as number[]).flat().map(finite)])),
      rawSource: raw(seq.sourceAttributions),
      rawTarget: raw(seq.targetAttributions),
    };
  });
}

/**
 * The largest difference between two number lists relative to the largest magnitude of `expected` (the tolerance
 * form of test-data/README.md, so near-zero cells are not over-weighted); null (NaN) must match null.
 */
export function maxRelativeDifference(got: readonly (number | null)[], expected: readonly (number | null)[]): number {
  if (got.length !== expected.length) return Infinity;
  let scale = 0;
  for (const e of expected) if (e !== null) scale = Math.max(scale, Math.abs(e));
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const e = expected[i];
    if (g === null || e === null) {
      if (g !== e) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(g - e) / (scale || 1));
  }
  return worst;
}
