import { inseqError } from "@inseqjs/core";

/**
 * Throws `NON_FINITE` naming the tensor when `values` (one checkpoint tensor, as read) hold NaN or ±Infinity: a
 * corrupted or badly converted checkpoint would otherwise only show up as NaN attributions. One pass, no allocation.
 */
export function checkFiniteWeights(name: string, values: Float32Array, location: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v − v is 0 for every finite v, NaN for NaN and ±Infinity
    if (v - v !== 0) {
      throw inseqError(
        "NON_FINITE",
        `Weight "${name}" in ${location} holds ${v} at flat index ${i} of ${values.length}. The checkpoint is corrupted or was ` +
          `converted with overflow (e.g. float32 → float16); re-download the model or re-save it in float32 with save_pretrained.`,
      );
    }
  }
}
