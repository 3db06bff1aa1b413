import type { SequenceAttributionData } from "../output/types.js";
import type { AggregateOptions } from "./aggregateSequenceAttribution.js";
import type { AggregationFunction } from "./aggregationFunction.js";

/** A contiguous token span `[start, end)` (end exclusive), inseq's `(start, end)` tuples. */
export type TokenSpan = readonly [number, number];

/** One span or a list of spans. */
export type TokenSpans = TokenSpan | readonly TokenSpan[];

/** Combines the values of two paired outputs elementwise (default of `pair`: `(a, b) => b − a`). */
export type PairFunction = (a: number, b: number) => number;

/** Options of the built-in aggregators; every aggregator of a pipeline receives all of them (inseq's kwargs). */
export interface AggregatorOptions extends AggregateOptions {
  /** `scores`: divide every step column by its largest absolute value instead of L1-normalising it. */
  readonly rescale?: boolean;
  /** `spans` / `slices`: source token spans (`[start, end)` or a list of them). */
  readonly sourceSpans?: TokenSpans;
  /** `spans` / `slices`: target token spans, over the full target (decoder-only: prompt included). */
  readonly targetSpans?: TokenSpans;
  /** `subwords`: merge source / target subwords (default true). */
  readonly aggregateSource?: boolean;
  readonly aggregateTarget?: boolean;
  /** `subwords`: word-boundary markers (default: detected from the tokens — `▁`, or GPT-2 `Ġ`/`Ċ`, or `##` suffixes). */
  readonly specialChars?: string | readonly string[];
  /** `subwords`: the markers flag word continuations (WordPiece `##`) rather than word starts. */
  readonly isSuffixSymbol?: boolean;
  /**
   * `pair`: the output compared with (same tokens and shapes); a whole `FeatureAttributionOutput` when aggregating
   * one (sequence i is paired with its sequence i).
   */
  readonly pairedAttr?: SequenceAttributionData | { readonly sequenceAttributions: readonly SequenceAttributionData[] };
  /** `pair`: how two values combine (default `(a, b) => b − a`, the paired output minus this one). */
  readonly pairFn?: PairFunction;
  /** Options of custom aggregators. */
  readonly [option: string]: unknown;
}

/**
 * An aggregator (inseq's `Aggregator`): turns sequence attribution data into new, consistent data (fewer tokens,
 * fewer axes, other values). Register one with `registerAggregator` to use it by id.
 */
export interface Aggregator {
  /** Family whose per-step-score merge rules apply (inseq's `aggregator_family`, e.g. `spans`). */
  readonly family?: string;
  /** Checks the options against the input before any aggregator of a pipeline runs; throws `INVALID_OPTION`. */
  validate?(data: SequenceAttributionData, options: AggregatorOptions): void;
  /** The aggregated data. */
  aggregate(data: SequenceAttributionData, options: AggregatorOptions): SequenceAttributionData;
}

/** One pipeline entry: an aggregator (id or object), optionally with its own aggregation function. */
export type AggregatorStep = string | Aggregator | readonly [string | Aggregator, string | AggregationFunction];

/**
 * What `aggregate` accepts: an aggregator id (`"spans"`; an aggregation function id such as `"sum"` means the
 * `scores` aggregator with that function), an {@link Aggregator}, or a pipeline of them run in order (`[]`: no
 * aggregation).
 */
export type AggregatorInput = AggregatorStep | readonly AggregatorStep[];
