import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";

/**
 * Builds a sequence array `(rows, nSteps, dim)` from per-step attributions: step k's `(len_k, dim)` array fills
 * rows `[0, len_k)` of column k and the remaining rows are NaN (tokens not in that step's prefix, inseq's upper
 * triangle). A `null` step gives an all-NaN column. Every step needs the same `dim` and `len_k ≤ rows`.
 */
export function stackStepAttributions(steps: readonly (NdArray | null)[], rows: number): NdArray {
  const first = steps.find((s): s is NdArray => s !== null);
  if (!first) throw inseqError("INVALID_OPTION", "stackStepAttributions: every step is null; pass at least one (len, dim) array.");
  if (!Number.isSafeInteger(rows) || rows < 0) throw inseqError("INVALID_OPTION", `stackStepAttributions: rows must be a non-negative integer, got ${rows}.`);
  const dim = first.shape[1];
  const nSteps = steps.length;
  const out = new Float32Array(rows * nSteps * dim).fill(NaN);
  steps.forEach((s, k) => {
    if (s === null) return;
    if (s.shape.length !== 2 || s.shape[1] !== dim || s.shape[0] > rows || s.data.length !== s.shape[0] * dim) {
      throw inseqError(
        "INVALID_OPTION",
        `stackStepAttributions: step ${k} has shape [${s.shape.join(", ")}]; every step must be (len ≤ ${rows}, ${dim}).`,
      );
    }
    for (let r = 0; r < s.shape[0]; r++) out.set(s.data.subarray(r * dim, (r + 1) * dim), (r * nSteps + k) * dim);
  });
  return { data: out, shape: [rows, nSteps, dim] };
}
