import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { SequenceAttributionData, TokenWithId } from "../output/types.js";
import type { Aggregator, AggregatorOptions, PairFunction } from "./aggregator.js";

const sameShape = (a: NdArray | null, b: NdArray | null) => (a === null) === (b === null) && (!a || a.shape.join() === b!.shape.join());

function paired(options: AggregatorOptions): SequenceAttributionData {
  const other = options.pairedAttr;
  if (!other || typeof other !== "object") throw inseqError("INVALID_OPTION", `The pair aggregator needs pairedAttr: the sequence output to compare with (aggregate("pair", { pairedAttr: other })).`);
  if ("sequenceAttributions" in other) throw inseqError("INVALID_OPTION", "pairedAttr is a whole FeatureAttributionOutput: aggregate a FeatureAttributionOutput with it, or pass one of its sequenceAttributions.");
  return other;
}

function combine(a: NdArray, b: NdArray, fn: PairFunction): NdArray {
  return { data: Float32Array.from(a.data, (x, i) => fn(x, b.data[i])), shape: [...a.shape] };
}

/** inseq's `aggregate_token_pair`: equal tokens kept, different ones shown as `a → b` with id −1. */
function pairTokens(a: readonly TokenWithId[], b: readonly TokenWithId[]): TokenWithId[] {
  return a.map((t, i) => (t.token === b[i].token ? t : { token: `${t.token} → ${b[i].token}`, id: -1 }));
}

/**
 * Compares two outputs of the same shape (inseq's `PairAggregator`, id `pair`), e.g. a minimal pair of inputs:
 * every attribution, step score and sequence score becomes `pairFn(this, paired)` — by default `paired − this` —
 * and tokens that differ read `a → b`. Pass the other output as `pairedAttr`.
 */
export const pairAggregator: Aggregator = {
  family: "pair",
  validate(data, options) {
    const other = paired(options);
    const fail = (what: string) => {
      throw inseqError("INVALID_OPTION", `pair: ${what} of pairedAttr must match this output's; compare outputs of the same length and method.`);
    };
    if ((data.source?.length ?? -1) !== (other.source?.length ?? -1)) fail("the source length");
    if (data.target.length !== other.target.length) fail("the target length");
    if (!sameShape(data.sourceAttributions, other.sourceAttributions)) fail("the source attribution shape");
    if (!sameShape(data.targetAttributions, other.targetAttributions)) fail("the target attribution shape");
    for (const [scores, otherScores, what] of [[data.stepScores, other.stepScores, "step score"], [data.sequenceScores, other.sequenceScores, "sequence score"]] as const) {
      for (const [name, a] of Object.entries(scores)) if (!otherScores[name] || !sameShape(a, otherScores[name])) fail(`the ${what} ${name}`);
    }
  },
  aggregate(data, options) {
    const other = paired(options);
    const fn: PairFunction = options.pairFn ?? ((a, b) => b - a);
    const both = (a: NdArray | null, b: NdArray | null) => (a && b ? combine(a, b, fn) : a);
    const scores = (mine: Readonly<Record<string, NdArray>>, theirs: Readonly<Record<string, NdArray>>) =>
      Object.fromEntries(Object.entries(mine).map(([name, a]) => [name, combine(a, theirs[name], fn)]));
    return {
      source: data.source && other.source ? pairTokens(data.source, other.source) : data.source,
      target: pairTokens(data.target, other.target),
      sourceAttributions: both(data.sourceAttributions, other.sourceAttributions),
      targetAttributions: both(data.targetAttributions, other.targetAttributions),
      stepScores: scores(data.stepScores, other.stepScores),
      sequenceScores: scores(data.sequenceScores, other.sequenceScores),
      attrPosStart: data.attrPosStart,
      attrPosEnd: data.attrPosEnd,
    };
  },
};
