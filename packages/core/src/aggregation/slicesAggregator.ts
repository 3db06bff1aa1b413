import type { NdArray } from "../ndarray.js";
import type { Aggregator, TokenSpan } from "./aggregator.js";
import { sliceAxis } from "./aggregateContiguous.js";
import { formatSpans, validateSpans } from "./tokenSpans.js";

/**
 * Keeps only the given token spans (inseq's `SliceAggregator`, id `slices`): source rows by `sourceSpans`, target
 * rows by `targetSpans`; the generated tokens are always kept (a target span reaching into the generation is
 * extended over all of it), so columns and step scores are unchanged. Decoder-only sources (the prompt) follow the
 * target spans, as in inseq. Spans may hold a single token.
 */
export const slicesAggregator: Aggregator = {
  validate(data, options) {
    validateSpans(formatSpans(options.sourceSpans, "sourceSpans"), data.source?.length ?? 0, "sourceSpans", 1);
    validateSpans(formatSpans(options.targetSpans, "targetSpans"), data.target.length, "targetSpans", 1);
  },
  aggregate(data, options) {
    let sourceSpans = formatSpans(options.sourceSpans, "sourceSpans");
    let targetSpans = formatSpans(options.targetSpans, "targetSpans");
    if (!sourceSpans && !targetSpans) return data;
    const { attrPosStart: start, attrPosEnd: end } = data;
    const decoderOnly = data.sourceAttributions === null;
    // decoder-only: the source is the prompt, target[0, start); one set of spans slices both
    if (decoderOnly) targetSpans ??= sourceSpans;
    const kept: TokenSpan[] = [];
    let generationKept = false;
    for (const [s, e] of targetSpans ?? []) {
      if (e <= start) kept.push([s, e]);
      else if (!generationKept) {
        kept.push([Math.min(s, start), end]);
        generationKept = true;
      }
    }
    if (!generationKept) kept.push([start, end]);
    if (decoderOnly) sourceSpans = kept.map(([s, e]) => [s, Math.min(e, start)] as const).filter(([s, e]) => e > s);
    const sliceTokens = <T>(tokens: readonly T[], spans: readonly TokenSpan[]) => spans.flatMap(([s, e]) => tokens.slice(s, e));
    const sliceRows = (a: NdArray | null, spans: readonly TokenSpan[] | undefined) => (a && spans ? sliceAxis(a, spans, 0) : a);
    const newStart = kept.reduce((n, [s, e]) => n + Math.min(e, start) - s, 0);
    return {
      source: data.source && sourceSpans ? sliceTokens(data.source, sourceSpans) : data.source,
      target: sliceTokens(data.target, kept),
      sourceAttributions: sliceRows(data.sourceAttributions, sourceSpans),
      targetAttributions: sliceRows(data.targetAttributions, kept),
      stepScores: data.stepScores,
      sequenceScores: data.sequenceScores,
      attrPosStart: newStart,
      attrPosEnd: newStart + (end - start),
    };
  },
};
