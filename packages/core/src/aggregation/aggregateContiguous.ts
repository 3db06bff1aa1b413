import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { AggregationFunction } from "./aggregationFunction.js";
import type { TokenSpan } from "./aggregator.js";

/**
 * Merges each span of indices along `axis` into one entry with `fn` (inseq's `aggregate_contiguous`); indices
 * outside the spans are copied unchanged. Spans must be sorted, non-overlapping and within the axis.
 */
export function aggregateContiguous(a: NdArray, spans: readonly TokenSpan[], fn: AggregationFunction, axis: number): NdArray {
  if (spans.length === 0) return a;
  const n = a.shape[axis];
  const groups: [number, number][] = [];
  let base = 0;
  for (const [s, e] of spans) {
    if (s < base || e <= s || e > n) throw inseqError("INVALID_OPTION", `Span [${s}, ${e}) does not fit an axis of ${n} entries after the previous span; spans must be sorted, non-overlapping and within range.`);
    for (let i = base; i < s; i++) groups.push([i, i + 1]);
    groups.push([s, e]);
    base = e;
  }
  for (let i = base; i < n; i++) groups.push([i, i + 1]);
  const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const out = new Float32Array(outer * groups.length * inner);
  for (let o = 0; o < outer; o++) {
    groups.forEach(([s, e], g) => {
      for (let i = 0; i < inner; i++) {
        const at = (j: number) => a.data[(o * n + j) * inner + i];
        out[(o * groups.length + g) * inner + i] = e - s === 1 ? at(s) : fn(Float32Array.from({ length: e - s }, (_, j) => at(s + j)));
      }
    });
  }
  const shape = [...a.shape];
  shape[axis] = groups.length;
  return { data: out, shape };
}

/** Keeps the given index ranges along `axis`, concatenated in order (inseq's slicing with `torch.cat`). */
export function sliceAxis(a: NdArray, ranges: readonly TokenSpan[], axis: number): NdArray {
  const n = a.shape[axis];
  const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const kept = ranges.flatMap(([s, e]) => {
    if (s < 0 || e > n || e < s) throw inseqError("INVALID_OPTION", `Slice [${s}, ${e}) is outside an axis of ${n} entries.`);
    return Array.from({ length: e - s }, (_, j) => s + j);
  });
  const out = new Float32Array(outer * kept.length * inner);
  for (let o = 0; o < outer; o++) {
    kept.forEach((j, k) => out.set(a.data.subarray((o * n + j) * inner, (o * n + j + 1) * inner), (o * kept.length + k) * inner));
  }
  const shape = [...a.shape];
  shape[axis] = kept.length;
  return { data: out, shape };
}
