import { inseqError } from "../errors.js";
import type { AttributionModel } from "../model.js";
import type { ContrastAlignment, ContrastSpec } from "./contrastSpec.js";
import type { PreparedSequence } from "./prepareSequences.js";

/** The contrastive inputs of one sequence, tokenized and aligned. */
export interface SequenceContrast {
  /** Full contrast target ids (decoder-only: prompt + generation; encoder-decoder: decoder start + generation); undefined: the original ones. */
  readonly targetIds?: readonly number[];
  /** Contrast encoder ids (encoder-decoder); undefined: the original source. */
  readonly sourceIds?: readonly number[];
  /** For every original target position, the contrast position aligned with it. */
  readonly alignedIndex: readonly number[];
}

/**
 * inseq's `get_adjusted_alignments(..., fill_missing=True)`: pairs sorted and deduplicated; each original position
 * takes its first pair whose contrast index is not used yet (else its first pair), or itself when it has none.
 */
export function fillAlignments(pairs: readonly ContrastAlignment[] | undefined, length: number): number[] {
  const sorted = [...new Map((pairs ?? []).map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const used = new Set<number>();
  return Array.from({ length }, (_, i) => {
    const matches = sorted.filter((p) => p[0] === i);
    const j = matches.length === 0 ? i : (matches.find((p) => !used.has(p[1])) ?? matches[0])[1];
    used.add(j);
    return j;
  });
}

/** Encoder-decoder contrast target ids: the decoder prefix the step loop gives the original target, then the ids. */
function withDecoderPrefix(model: AttributionModel, ids: readonly number[]): number[] {
  const start = model.specialTokens.decoderStart;
  const prefix = model.decoderPrefix?.() ?? (start === undefined ? [] : [start]);
  // a forced first token (target language) that the tokenizer already wrote is not repeated, as for the targets
  const forced = prefix.slice(1);
  const repeated = forced.length > 0 && forced.every((id, j) => ids[j] === id);
  return [...prefix, ...(repeated ? ids.slice(forced.length) : ids)];
}

/** Tokenizes and aligns the contrastive inputs of every sequence (same order as `sequences`). */
export function prepareContrast(model: AttributionModel, sequences: readonly PreparedSequence[], spec: ContrastSpec): SequenceContrast[] {
  if (spec.sources && !model.isEncoderDecoder) {
    throw inseqError(
      "INVALID_OPTION",
      `contrastSources only apply to encoder-decoder models; ${model.modelName} is decoder-only: pass the contrastive context as part of contrastTargets (prompt included).`,
    );
  }
  const addSpecialTokens = !spec.skipSpecialTokens;
  return sequences.map((seq, i) => {
    let targetIds: number[] | undefined;
    if (spec.targets) {
      const ids = model.tokenizer.encode(spec.targets[i], { addSpecialTokens });
      targetIds = model.isEncoderDecoder ? withDecoderPrefix(model, ids) : ids;
      if (targetIds.length > model.maxPositions) {
        throw inseqError("INPUT_TOO_LONG", `contrastTargets[${i}] has ${targetIds.length} tokens but ${model.modelName} accepts at most ${model.maxPositions}; shorten it.`);
      }
    }
    let sourceIds: number[] | undefined;
    if (spec.sources) {
      sourceIds = model.tokenizer.encode(spec.sources[i], { addSpecialTokens });
      if (sourceIds.length === 0 || sourceIds.length > model.maxPositions) {
        throw inseqError("INPUT_TOO_LONG", `contrastSources[${i}] has ${sourceIds.length} tokens; ${model.modelName} accepts 1 to ${model.maxPositions}.`);
      }
    }
    return { targetIds, sourceIds, alignedIndex: fillAlignments(spec.alignments[i], seq.targetIds.length) };
  });
}
