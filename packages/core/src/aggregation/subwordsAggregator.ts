import { inseqError } from "../errors.js";
import type { Aggregator } from "./aggregator.js";
import { spansAggregator } from "./spansAggregator.js";
import { detectSubwordMarkers, subwordSpans, type SubwordMarkers } from "./subwordSpans.js";

/**
 * Merges subwords into words (inseq's `SubwordAggregator`, id `subwords`), then aggregates like `spans` (default
 * `absmax`, step scores by their rule). Markers are detected from the tokens — SentencePiece `▁`, GPT-2 `Ġ`/`Ċ`,
 * WordPiece `##` — or given as `specialChars` (+ `isSuffixSymbol`); word-level vocabularies are left unchanged.
 * `aggregateSource` / `aggregateTarget: false` keep a side as is.
 */
export const subwordsAggregator: Aggregator = {
  family: "spans",
  validate(_data, options) {
    const chars = options.specialChars;
    if (chars !== undefined && !(typeof chars === "string" || (Array.isArray(chars) && chars.every((c) => typeof c === "string" && c.length > 0)))) {
      throw inseqError("INVALID_OPTION", `specialChars must be a string or an array of non-empty strings (e.g. ["Ġ", "Ċ"]), got ${JSON.stringify(chars)}.`);
    }
  },
  aggregate(data, options) {
    const given = options.specialChars;
    const markers: SubwordMarkers | null =
      given !== undefined
        ? { chars: typeof given === "string" ? [given] : [...given], isSuffixSymbol: options.isSuffixSymbol ?? false }
        : detectSubwordMarkers([...(data.source ?? []), ...data.target]);
    if (!markers) return data;
    const sourceSpans = options.aggregateSource !== false && data.source ? subwordSpans(data.source, markers) : [];
    const targetSpans = options.aggregateTarget !== false ? subwordSpans(data.target, markers) : [];
    return spansAggregator.aggregate(data, { ...options, sourceSpans, targetSpans });
  },
};
