import type { FeatureAttributionSequenceOutput } from "@inseqjs/core";
import { stepFeatures } from "@inseqjs/eval";
import type { KvHeldOut } from "./heldOut.js";

/** Where the top-attributed prompt tokens of a recall answer fall. */
export interface KvHits {
  /** The top token is the queried value, its key or the query key. */
  readonly top1: boolean;
  /** One of the top two tokens is. */
  readonly top2: boolean;
  /** The top token is the queried value itself. */
  readonly value1: boolean;
  /** The value is among the top two tokens. */
  readonly value2: boolean;
}

/** Hits of the first explained step (the answer) of a tiny-kv attribution. */
export function kvHits(seq: FeatureAttributionSequenceOutput, example: KvHeldOut, specialIds: ReadonlySet<number>): KvHits {
  const ranked = stepFeatures(seq.granular ? seq.aggregate() : seq, 0, false, specialIds).ranked.map((f) => f.position);
  const gold = new Set([example.valuePosition, example.keyPosition, example.queryPosition]);
  return {
    top1: gold.has(ranked[0]),
    top2: ranked.slice(0, 2).some((p) => gold.has(p)),
    value1: ranked[0] === example.valuePosition,
    value2: ranked.slice(0, 2).includes(example.valuePosition),
  };
}
