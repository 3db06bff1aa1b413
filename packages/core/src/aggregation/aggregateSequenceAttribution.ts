import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { SequenceAttributionData } from "../output/types.js";
import type { AggregationFunction } from "./aggregationFunction.js";
import { getAggregationFunction } from "./aggregationFunctionRegistry.js";
import { normalizeAttributions } from "./normalizeAttributions.js";
import { reduceLastAxis } from "./reduceLastAxis.js";

/** Options of {@link aggregateSequenceAttribution} and of the output classes' `aggregate`. */
export interface AggregateOptions {
  /**
   * How each cell's per-dimension vector becomes one score: a registered id (`vnorm`, `sum`, `mean`, `max`, `min`,
   * `prod`, `absmax`) or a function. Default `vnorm` for granular data; aggregated (2-D) data has no axis to reduce.
   */
  readonly aggregateFn?: string | AggregationFunction;
  /** L1-normalise every step column over the source and target rows jointly (default true, as inseq). */
  readonly normalize?: boolean;
}

function isGranular(a: NdArray | null): boolean {
  return a !== null && a.shape.length === 3;
}

/**
 * inseq's default sequence aggregation, as pure data: reduce the per-dimension axis of the attribution arrays
 * (`vnorm` unless told otherwise), then L1-normalise every step column over source and target rows jointly (NaN
 * kept). Data that is already aggregated is only normalised, which leaves normalised columns unchanged. Step and
 * sequence scores, tokens and positions are passed through.
 */
export function aggregateSequenceAttribution(data: SequenceAttributionData, options: AggregateOptions = {}): SequenceAttributionData {
  const granular = isGranular(data.sourceAttributions) || isGranular(data.targetAttributions);
  let source = data.sourceAttributions;
  let target = data.targetAttributions;
  const requested = options.aggregateFn;
  if (granular) {
    const fn = typeof requested === "function" ? requested : getAggregationFunction(requested ?? "vnorm");
    source = source && reduceLastAxis(source, fn);
    target = target && reduceLastAxis(target, fn);
  } else if (requested !== undefined) {
    throw inseqError(
      "INVALID_OPTION",
      `aggregate: the attributions are already aggregated (2-D, one score per token and step), so there is no per-dimension axis for aggregateFn ${typeof requested === "string" ? `"${requested}"` : "(function)"}; call aggregate() without aggregateFn, or aggregate the granular output.`,
    );
  }
  if (options.normalize ?? true) [source, target] = normalizeAttributions([source, target]);
  return { ...pickData(data), sourceAttributions: source, targetAttributions: target };
}

function pickData(data: SequenceAttributionData): SequenceAttributionData {
  return {
    source: data.source,
    target: data.target,
    sourceAttributions: data.sourceAttributions,
    targetAttributions: data.targetAttributions,
    stepScores: data.stepScores,
    sequenceScores: data.sequenceScores,
    attrPosStart: data.attrPosStart,
    attrPosEnd: data.attrPosEnd,
  };
}
