import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { AggregationFunction } from "./aggregationFunction.js";

/** Applies `fn` to every vector along the last axis of `a`: shape `[...lead, d]` becomes `[...lead]`. */
export function reduceLastAxis(a: NdArray, fn: AggregationFunction): NdArray {
  if (a.shape.length === 0) throw inseqError("INVALID_OPTION", "reduceLastAxis: a scalar has no axis to reduce; pass an array of rank ≥ 1.");
  const d = a.shape[a.shape.length - 1];
  const lead = a.shape.slice(0, -1);
  const n = lead.reduce((x, y) => x * y, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = fn(a.data.subarray(i * d, (i + 1) * d));
  return { data: out, shape: lead };
}
