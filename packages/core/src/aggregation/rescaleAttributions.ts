import type { NdArray } from "../ndarray.js";

/**
 * Divides every column of the given arrays (jointly over their first axis: source and target rows together) by
 * its largest absolute value, so scores lie in [−1, 1] (inseq's `rescale`). NaN cells are ignored and kept; an
 * all-zero column stays zero. Arrays must share their trailing shape; `null` entries pass through.
 */
export function rescaleAttributions(arrays: readonly (NdArray | null)[]): (NdArray | null)[] {
  const present = arrays.filter((a): a is NdArray => a !== null);
  if (present.length === 0) return [...arrays];
  const cols = present[0].shape.slice(1).reduce((x, y) => x * y, 1);
  const max = new Float64Array(cols);
  for (const a of present) {
    for (let i = 0; i < a.data.length; i++) {
      const v = Math.abs(a.data[i]);
      if (v > max[i % cols]) max[i % cols] = v;
    }
  }
  return arrays.map((a) => a && { data: Float32Array.from(a.data, (v, i) => (max[i % cols] > 0 ? v / max[i % cols] : v)), shape: [...a.shape] });
}
