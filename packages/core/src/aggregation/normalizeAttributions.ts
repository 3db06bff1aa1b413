import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";

/** Denominator floor of the L1 normalisation (torch `F.normalize`'s `eps`). */
const EPS = 1e-12;
/** Column sums this close to 1 are already normalised at float32 precision and are left untouched. */
const UNIT_TOLERANCE = 2 ** -23;

/**
 * L1-normalises every column of the given arrays jointly over their first axis (source rows and target rows
 * together), as inseq's `normalize`: each cell is divided by the sum of absolute values of its column across all
 * arrays (at least 1e-12). NaN cells are left out of the sum and stay NaN. Arrays must share their trailing shape;
 * `null` entries pass through. Columns whose L1 norm is already 1 (float32 precision) are kept as they are, so
 * normalising aggregated data again changes nothing.
 */
export function normalizeAttributions(arrays: readonly (NdArray | null)[]): (NdArray | null)[] {
  const present = arrays.filter((a): a is NdArray => a !== null);
  if (present.length === 0) return [...arrays];
  const trailing = present[0].shape.slice(1);
  for (const a of present) {
    if (a.shape.length < 1 || a.shape.slice(1).join(",") !== trailing.join(",")) {
      throw inseqError(
        "INVALID_OPTION",
        `normalizeAttributions: arrays must share every axis after the first, got [${present.map((p) => `[${p.shape.join(", ")}]`).join(", ")}].`,
      );
    }
  }
  const cols = trailing.reduce((x, y) => x * y, 1);
  const sums = new Float64Array(cols);
  for (const a of present) {
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i];
      if (!Number.isNaN(v)) sums[i % cols] += Math.abs(v);
    }
  }
  const denom = new Float64Array(cols);
  for (let j = 0; j < cols; j++) denom[j] = Math.abs(sums[j] - 1) <= UNIT_TOLERANCE ? 1 : Math.max(sums[j], EPS);
  return arrays.map((a) => {
    if (a === null) return null;
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = a.data[i] / denom[i % cols];
    return { data: out, shape: [...a.shape] };
  });
}
