import { inseqError } from "@inseqjs/core";

/**
 * Whether every value is finite: `x · 0` is ±0 for finite `x` and NaN for NaN / ±Infinity, so sums tell. Four
 * independent sums, so that the loop is not held up by the latency of one chain of additions.
 */
export function float32AllFinite(values: Float32Array): boolean {
  let a = 0, b = 0, c = 0, d = 0;
  const n = values.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += values[i] * 0;
    b += values[i + 1] * 0;
    c += values[i + 2] * 0;
    d += values[i + 3] * 0;
  }
  for (; i < n; i++) a += values[i] * 0;
  return a + b + c + d === 0;
}

/**
 * Throws `NON_FINITE` naming the tensor when `values` (one checkpoint tensor, as read) hold NaN or ±Infinity: a
 * corrupted or badly converted checkpoint would otherwise only show up as NaN attributions. One branch-free pass,
 * no allocation; the offending index is searched only once the pass found one. `transposedFrom` gives the stored
 * `(rows, cols)` when `values` were read transposed, so that the message names the index as stored.
 */
export function checkFiniteWeights(name: string, values: Float32Array, location: string, transposedFrom?: readonly [number, number]): void {
  if (float32AllFinite(values)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v − v is 0 for every finite v, NaN for NaN and ±Infinity
    if (v - v !== 0) {
      const stored = transposedFrom ? (i % transposedFrom[0]) * transposedFrom[1] + Math.floor(i / transposedFrom[0]) : i;
      throw inseqError(
        "NON_FINITE",
        `Weight "${name}" in ${location} holds ${v} at flat index ${stored} of ${values.length}. The checkpoint is corrupted or was ` +
          `converted with overflow (e.g. float32 → float16); re-download the model or re-save it in float32 with save_pretrained.`,
      );
    }
  }
}
