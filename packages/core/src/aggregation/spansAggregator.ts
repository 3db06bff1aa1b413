import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { SequenceAttributionData } from "../output/types.js";
import { stepScoreAggregation } from "../stepFunctions/stepFunctionRegistry.js";
import { aggregateContiguous } from "./aggregateContiguous.js";
import type { Aggregator, AggregatorOptions, TokenSpan } from "./aggregator.js";
import { resolveAggregationFunction } from "./resolveAggregationFunction.js";
import { formatSpans, mergeTokenSpans, relativizeSpans, validateSpans } from "./tokenSpans.js";

const FAMILY = "spans";
const DEFAULT_FN = "absmax";

/** inseq's `aggregate_attr_pos_start` of the spans aggregator. */
function newAttrPosStart(start: number, spans: readonly TokenSpan[]): number {
  let pos = start - spans.filter(([, e]) => e <= start).reduce((n, [s, e]) => n + e - s - 1, 0);
  const overlapping = spans.filter(([s, e]) => s < start && start < e);
  if (overlapping.length > 1) throw inseqError("INVALID_OPTION", `Several target spans overlap the first attributed position ${start}.`);
  if (overlapping.length === 1) pos -= start - overlapping[0][0];
  return pos;
}

/** Rows merged by `rowSpans`, then columns (steps) by `columnSpans`, each span with `fn`. */
function mergeMatrix(a: NdArray, rowSpans: readonly TokenSpan[], columnSpans: readonly TokenSpan[], fn: Parameters<typeof aggregateContiguous>[2]): NdArray {
  return aggregateContiguous(aggregateContiguous(a, columnSpans, fn, 1), rowSpans, fn, 0);
}

/**
 * Merges contiguous token spans (inseq's `ContiguousSpanAggregator`, id `spans`): each `[start, end)` span of
 * `sourceSpans` / `targetSpans` becomes one token (strings joined, id −1) and its rows — and, for generated target
 * tokens, its step columns — are reduced with `aggregateFn` (default `absmax`). Step scores of merged steps follow
 * each step function's rule (`probability` → `prod`, `entropy` → `sum`, ...; see `registerStepFunction`'s
 * `aggregateMap`), or `aggregateFn` when one is given. Spans need ≥ 2 tokens, sorted and non-overlapping.
 */
export const spansAggregator: Aggregator = {
  family: FAMILY,
  validate(data, options) {
    validateSpans(formatSpans(options.sourceSpans, "sourceSpans"), data.source?.length ?? 0, "sourceSpans");
    validateSpans(formatSpans(options.targetSpans, "targetSpans"), data.target.length, "targetSpans");
  },
  aggregate(data: SequenceAttributionData, options: AggregatorOptions): SequenceAttributionData {
    const sourceSpans = formatSpans(options.sourceSpans, "sourceSpans") ?? [];
    const targetSpans = formatSpans(options.targetSpans, "targetSpans") ?? [];
    if (sourceSpans.length === 0 && targetSpans.length === 0) return data;
    const fn = resolveAggregationFunction(options.aggregateFn, DEFAULT_FN);
    const stepFn = (name: string) =>
      options.aggregateFn !== undefined ? fn : resolveAggregationFunction(stepScoreAggregation(name, FAMILY), DEFAULT_FN);
    const columns = relativizeSpans(targetSpans, data.attrPosStart);
    const start = targetSpans.length ? newAttrPosStart(data.attrPosStart, targetSpans) : data.attrPosStart;
    const nSteps = data.attrPosEnd - data.attrPosStart - columns.reduce((n, [s, e]) => n + e - s - 1, 0);
    const sequenceScores: Record<string, NdArray> = {};
    for (const [name, scores] of Object.entries(data.sequenceScores)) {
      // inseq: decoder self-scores over target × target, encoder self-scores over source × source, else source × steps
      const rows = name.startsWith("decoder") ? targetSpans : sourceSpans;
      const cols = name.startsWith("decoder") ? targetSpans : name.startsWith("encoder") ? sourceSpans : columns;
      sequenceScores[name] = mergeMatrix(scores, rows, cols, stepFn(name));
    }
    return {
      source: data.source && mergeTokenSpans(data.source, sourceSpans),
      target: mergeTokenSpans(data.target, targetSpans),
      sourceAttributions: data.sourceAttributions && mergeMatrix(data.sourceAttributions, sourceSpans, columns, fn),
      targetAttributions: data.targetAttributions && mergeMatrix(data.targetAttributions, targetSpans, columns, fn),
      stepScores: Object.fromEntries(Object.entries(data.stepScores).map(([name, s]) => [name, aggregateContiguous(s, columns, stepFn(name), 0)])),
      sequenceScores,
      attrPosStart: start,
      attrPosEnd: start + nSteps,
    };
  },
};
