import { areaUnderCurve } from "./areaUnderCurve.js";
import { topCount } from "./topCount.js";

/** Probabilities below this are clamped before taking logs (a removed token can drive p to exactly 0). */
export const MIN_PROBABILITY = 1e-12;

/** The faithfulness metrics of one explained token. Arrays follow the `fractions` they were computed for. */
export interface StepFaithfulnessMetrics {
  /** Number of ranked input tokens (the features). */
  readonly features: number;
  /** p(token | full input). */
  readonly probability: number;
  /** Tokens counted as "top k %" for each fraction ({@link topCount}). */
  readonly topCounts: readonly number[];
  /** p(full) − p(top-k % replaced by the baseline): higher is more faithful (DeYoung et al. 2020). */
  readonly comprehensiveness: readonly number[];
  /** p(full) − p(only the top-k % kept, the rest replaced): lower is more faithful. */
  readonly sufficiency: readonly number[];
  /** log p(top-k % replaced) − log p(full): more negative is more faithful (Shrikumar et al. 2017; Chen et al. 2020). */
  readonly logOdds: readonly number[];
  /** Means over the fractions (AOPC: area over the perturbation curve). */
  readonly aopcComprehensiveness: number;
  readonly aopcSufficiency: number;
  readonly aopcLogOdds: number;
  /** p after removing the top 0…n tokens one by one, and its area over [0, 1] (lower is more faithful; Petsiuk et al. 2018). */
  readonly deletionCurve: readonly number[];
  readonly deletionAuc: number;
  /** p after restoring the top 0…n tokens into an all-baseline input, and its area (higher is more faithful). */
  readonly insertionCurve: readonly number[];
  readonly insertionAuc: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Every metric of one step from its two perturbation curves: `deletion[m]` = p with the top m tokens replaced
 * (`deletion[0]` the full input) and `insertion[m]` = p with only the top m tokens kept (`insertion[n]` the full
 * input), for m = 0…n.
 */
export function stepFaithfulness(deletion: readonly number[], insertion: readonly number[], fractions: readonly number[]): StepFaithfulnessMetrics {
  const n = deletion.length - 1;
  if (n < 1 || insertion.length !== n + 1) throw new RangeError(`stepFaithfulness: curves need n + 1 ≥ 2 points each, got ${deletion.length} and ${insertion.length}.`);
  const full = deletion[0];
  const logFull = Math.log(Math.max(full, MIN_PROBABILITY));
  const topCounts = fractions.map((f) => topCount(f, n));
  const comprehensiveness = topCounts.map((m) => full - deletion[m]);
  const sufficiency = topCounts.map((m) => full - insertion[m]);
  const logOdds = topCounts.map((m) => Math.log(Math.max(deletion[m], MIN_PROBABILITY)) - logFull);
  return {
    features: n,
    probability: full,
    topCounts,
    comprehensiveness,
    sufficiency,
    logOdds,
    aopcComprehensiveness: mean(comprehensiveness),
    aopcSufficiency: mean(sufficiency),
    aopcLogOdds: mean(logOdds),
    deletionCurve: [...deletion],
    deletionAuc: areaUnderCurve(deletion),
    insertionCurve: [...insertion],
    insertionAuc: areaUnderCurve(insertion),
  };
}
