import type { StepAttributions } from "./stepAttributions.js";
import { stepSums } from "./stepAttributions.js";

/** How far two runs' attributions are apart. */
export interface AttributionAgreement {
  /** `max_step max_i |ours − ref| / max_i |ref|` over every attribution value (per step, scaled by the step's largest value). */
  readonly maxRelativeDifference: number;
  /** `max_step |Σ ours − Σ ref| / |Σ ref|` of the per-step sums. */
  readonly maxSumRelativeDifference: number;
  readonly ok: boolean;
  /** Tolerance that `maxRelativeDifference` was held to. */
  readonly tolerance: number;
  /** Only the per-step sums were compared (long workloads). */
  readonly sumsOnly?: boolean;
}

/**
 * Compares per-step attributions value by value with the tolerance scheme of `test-data/README.md`
 * (`|ours − ref| ≤ rtol · max|ref_step|`). Throws if the steps or their sizes differ.
 */
export function compareAttributions(ours: StepAttributions, ref: StepAttributions, tolerance: number): AttributionAgreement {
  if (ours.steps.length !== ref.steps.length) throw new Error(`compareAttributions: ${ours.steps.length} steps against ${ref.steps.length}.`);
  let maxRel = 0;
  ours.steps.forEach((a, k) => {
    const b = ref.steps[k];
    if (a.length !== b.length) throw new Error(`compareAttributions: step ${k} has ${a.length} values against ${b.length}.`);
    let scale = 0;
    for (const v of b) scale = Math.max(scale, Math.abs(v));
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    maxRel = Math.max(maxRel, scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale);
  });
  const sa = stepSums(ours);
  const sb = stepSums(ref);
  const maxSumRel = Math.max(...sa.map((s, k) => Math.abs(s - sb[k]) / Math.abs(sb[k])));
  return { maxRelativeDifference: maxRel, maxSumRelativeDifference: maxSumRel, ok: maxRel <= tolerance, tolerance };
}

/**
 * Compares per-step sums only (long workloads, whose full attributions are not sent back): `max_step |Σ ours − Σ ref|
 * / Σ|ref|` (scaled by the step's |·| sum, so that signed IG sums near 0 stay well conditioned) against `tolerance`;
 * `maxRelativeDifference` is that value too (no per-value check was possible: see `sumsOnly`).
 */
export function compareStepSums(ours: { stepSums: readonly number[] }, ref: { stepSums: readonly number[]; stepAbsSums?: readonly number[] }, tolerance: number): AttributionAgreement {
  if (ours.stepSums.length !== ref.stepSums.length) throw new Error(`compareStepSums: ${ours.stepSums.length} steps against ${ref.stepSums.length}.`);
  const rel = ours.stepSums.map((s, k) => {
    const scale = Math.abs(ref.stepAbsSums?.[k] ?? ref.stepSums[k]);
    const d = Math.abs(s - ref.stepSums[k]);
    return scale === 0 ? (d === 0 ? 0 : Infinity) : d / scale;
  });
  const worst = Math.max(0, ...rel);
  return { maxRelativeDifference: worst, maxSumRelativeDifference: worst, ok: worst <= tolerance, tolerance, sumsOnly: true };
}

/** Full comparison when both sides sent every attribution, else {@link compareStepSums}. */
export function agreementOf(
  ours: { attributions?: StepAttributions; stepSums: readonly number[] },
  ref: { attributions?: StepAttributions; stepSums: readonly number[]; stepAbsSums?: readonly number[] },
  tolerance: number,
): AttributionAgreement {
  return ours.attributions && ref.attributions ? compareAttributions(ours.attributions, ref.attributions, tolerance) : compareStepSums(ours, ref, tolerance);
}
