import type { StepFaithfulnessMetrics } from "./stepFaithfulness.js";

/** Means of the per-token metrics over every evaluated token (arrays follow the fractions). */
export interface FaithfulnessSummary {
  /** Number of tokens averaged. */
  readonly tokens: number;
  readonly probability: number;
  readonly comprehensiveness: readonly number[];
  readonly sufficiency: readonly number[];
  readonly logOdds: readonly number[];
  readonly aopcComprehensiveness: number;
  readonly aopcSufficiency: number;
  readonly aopcLogOdds: number;
  readonly deletionAuc: number;
  readonly insertionAuc: number;
}

/** Averages {@link StepFaithfulnessMetrics} over tokens (NaN everywhere when there are none). */
export function summarizeFaithfulness(steps: readonly StepFaithfulnessMetrics[], fractionCount: number): FaithfulnessSummary {
  const n = steps.length;
  const avg = (get: (s: StepFaithfulnessMetrics) => number) => (n === 0 ? Number.NaN : steps.reduce((a, s) => a + get(s), 0) / n);
  const avgAt = (get: (s: StepFaithfulnessMetrics) => readonly number[]) => Array.from({ length: fractionCount }, (_, i) => avg((s) => get(s)[i]));
  return {
    tokens: n,
    probability: avg((s) => s.probability),
    comprehensiveness: avgAt((s) => s.comprehensiveness),
    sufficiency: avgAt((s) => s.sufficiency),
    logOdds: avgAt((s) => s.logOdds),
    aopcComprehensiveness: avg((s) => s.aopcComprehensiveness),
    aopcSufficiency: avg((s) => s.aopcSufficiency),
    aopcLogOdds: avg((s) => s.aopcLogOdds),
    deletionAuc: avg((s) => s.deletionAuc),
    insertionAuc: avg((s) => s.insertionAuc),
  };
}
