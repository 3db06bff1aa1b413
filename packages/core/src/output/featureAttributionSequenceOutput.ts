import type { AggregateOptions } from "../aggregation/aggregateSequenceAttribution.js";
import { aggregateWith } from "../aggregation/aggregateWith.js";
import type { Aggregator, AggregatorInput, AggregatorOptions } from "../aggregation/aggregator.js";
import { weightAttributions } from "../aggregation/weightAttributions.js";
import { inseqError } from "../errors.js";
import { toNested, type NdArray } from "../ndarray.js";
import type { SequenceAttributionData, TokenWithId } from "./types.js";
import { validateSequenceAttribution } from "./validateSequenceAttribution.js";

/** Options of {@link FeatureAttributionSequenceOutput.getScores}. */
export interface GetScoresOptions extends AggregateOptions {
  /** Aggregate before reading (default true; granular data must be aggregated to give matrices). */
  readonly aggregate?: boolean;
}

/** Plain nested arrays of one aggregated sequence attribution, for display and export. NaN marks cells outside a step's prefix. */
export interface SequenceScores {
  readonly source: readonly TokenWithId[] | null;
  readonly target: readonly TokenWithId[];
  /** The tokens the columns explain: `target[attrPosStart + k]`. */
  readonly generated: readonly TokenWithId[];
  /** `[sourceLen][nSteps]`, or null. */
  readonly sourceAttributions: number[][] | null;
  /** `[targetLen][nSteps]`, or null. */
  readonly targetAttributions: number[][] | null;
  /** Per step score: `[nSteps]`, or `[nSteps][k]` (e.g. several deltas per step). */
  readonly stepScores: Record<string, number[] | number[][]>;
  readonly attrPosStart: number;
  readonly attrPosEnd: number;
}

/**
 * The attribution of one sequence (inseq's `FeatureAttributionSequenceOutput`, or
 * `GranularFeatureAttributionSequenceOutput` while the per-dimension axis is kept). Immutable: `aggregate`
 * returns a new output. The constructor checks every shape against the tokens and positions.
 */
export class FeatureAttributionSequenceOutput implements SequenceAttributionData {
  readonly source: readonly TokenWithId[] | null;
  readonly target: readonly TokenWithId[];
  readonly sourceAttributions: NdArray | null;
  readonly targetAttributions: NdArray | null;
  readonly stepScores: Readonly<Record<string, NdArray>>;
  readonly sequenceScores: Readonly<Record<string, NdArray>>;
  readonly attrPosStart: number;
  readonly attrPosEnd: number;
  /** Whether the attribution arrays keep the trailing per-dimension axis `(len, nSteps, dim)`. */
  readonly granular: boolean;
  /** Number of attributed steps (`attrPosEnd − attrPosStart`), the column count of the arrays. */
  readonly nSteps: number;

  /**
   * Aggregator used by `aggregate()` without one (inseq's `_aggregator`): `"scores"`, or `[]` (none) after
   * {@link FeatureAttributionSequenceOutput.weightAttributions}.
   */
  readonly defaultAggregator: AggregatorInput;

  /** Wraps (without copying) validated data; throws `INVALID_OPTION` naming the first shape mismatch. */
  constructor(data: SequenceAttributionData, options: { readonly defaultAggregator?: AggregatorInput } = {}) {
    const { nSteps, granular } = validateSequenceAttribution(data);
    this.source = data.source ?? null;
    this.target = data.target;
    this.sourceAttributions = data.sourceAttributions ?? null;
    this.targetAttributions = data.targetAttributions ?? null;
    this.stepScores = { ...data.stepScores };
    this.sequenceScores = { ...data.sequenceScores };
    this.attrPosStart = data.attrPosStart;
    this.attrPosEnd = data.attrPosEnd;
    this.granular = granular;
    this.nSteps = nSteps;
    this.defaultAggregator = options.defaultAggregator ?? "scores";
  }

  /**
   * A new aggregated output (inseq's `aggregate`). Without an aggregator, the default one: inseq's default
   * aggregation — L2 norm over the per-dimension axis, then L1 normalisation of every step column over source and
   * target rows (NaN kept) — which leaves already aggregated values unchanged. Otherwise an aggregator id
   * (`"scores"`, `"spans"`, `"subwords"`, `"slices"`, `"pair"`, or a registered one; an aggregation function id such as
   * `"sum"` means `scores` with it), an {@link Aggregator}, or a pipeline (`["subwords", "scores"]`), with options
   * shared by every step: `aggregate("spans", { targetSpans: [[2, 4]] })`.
   */
  aggregate(aggregator?: AggregatorInput | AggregatorOptions, options: AggregatorOptions = {}): FeatureAttributionSequenceOutput {
    const isAggregator = typeof aggregator === "string" || Array.isArray(aggregator) || typeof (aggregator as Aggregator | undefined)?.aggregate === "function";
    const input = isAggregator ? (aggregator as AggregatorInput) : this.defaultAggregator;
    const opts = isAggregator ? options : { ...((aggregator as AggregatorOptions | undefined) ?? {}), ...options };
    // the default aggregation keeps the default (a weighted output stays unaggregated)
    return new FeatureAttributionSequenceOutput(aggregateWith(this, input, opts), isAggregator ? {} : { defaultAggregator: this.defaultAggregator });
  }

  /**
   * Multiplies every step column of the (default-aggregated) attributions by that step's `stepScore` value (inseq's
   * `weight_attributions`, e.g. `"probability"`). The result is not aggregated again by `aggregate()`.
   */
  weightAttributions(stepScore: string): FeatureAttributionSequenceOutput {
    return new FeatureAttributionSequenceOutput(weightAttributions(this.aggregate(), stepScore), { defaultAggregator: [] });
  }

  /** The (by default aggregated) attributions and step scores as nested arrays. */
  getScores(options: GetScoresOptions = {}): SequenceScores {
    const { aggregate = true, ...aggregateOptions } = options;
    if (!aggregate && this.granular) {
      throw inseqError("INVALID_OPTION", "getScores({ aggregate: false }) needs aggregated data; these attributions are granular (len, nSteps, dim). Leave aggregate on or call aggregate() first.");
    }
    const seq = aggregate ? this.aggregate(aggregateOptions) : this;
    const stepScores: Record<string, number[] | number[][]> = {};
    for (const [name, a] of Object.entries(seq.stepScores)) stepScores[name] = toNested(a) as number[] | number[][];
    return {
      source: seq.source,
      target: seq.target,
      generated: seq.target.slice(seq.attrPosStart, seq.attrPosEnd),
      sourceAttributions: seq.sourceAttributions && (toNested(seq.sourceAttributions) as number[][]),
      targetAttributions: seq.targetAttributions && (toNested(seq.targetAttributions) as number[][]),
      stepScores,
      attrPosStart: seq.attrPosStart,
      attrPosEnd: seq.attrPosEnd,
    };
  }
}
