import type { TokenWithId } from "../output/types.js";
import type { TokenSpan } from "./aggregator.js";

/** Subword markers: the characters and whether they flag continuations (`##`) or word starts (`▁`, `Ġ`). */
export interface SubwordMarkers {
  readonly chars: readonly string[];
  readonly isSuffixSymbol: boolean;
}

/** Special tokens (`</s>`, `<pad>`, `<|endoftext|>`) never join a word. */
const SPECIAL_TOKEN = /^<[^<>\s]+>$/;

/**
 * The markers a tokenizer left in `tokens`: SentencePiece `▁` word starts, GPT-2 byte-level `Ġ`/`Ċ` word starts,
 * or WordPiece `##` continuations; null for word-level vocabularies (nothing to merge).
 */
export function detectSubwordMarkers(tokens: readonly TokenWithId[]): SubwordMarkers | null {
  if (tokens.some((t) => t.token.includes("▁"))) return { chars: ["▁"], isSuffixSymbol: false };
  if (tokens.some((t) => t.token.startsWith("Ġ") || t.token.startsWith("Ċ"))) return { chars: ["Ġ", "Ċ"], isSuffixSymbol: false };
  if (tokens.some((t) => t.token.startsWith("##"))) return { chars: ["##"], isSuffixSymbol: true };
  return null;
}

/**
 * Spans of multi-token words (inseq's `SubwordAggregator.get_spans`): with word-start markers a token without one
 * continues the previous word; with continuation markers (`isSuffixSymbol`) a token with one does. Unlike inseq,
 * a word ending the sequence keeps its last token, and special tokens stay alone. No marker in `tokens`: no spans.
 */
export function subwordSpans(tokens: readonly TokenWithId[], markers: SubwordMarkers): TokenSpan[] {
  if (!tokens.some((t) => markers.chars.some((c) => t.token.includes(c)))) return [];
  const spans: TokenSpan[] = [];
  let wordStart = 0;
  tokens.forEach(({ token }, i) => {
    const marked = markers.chars.some((c) => token.startsWith(c));
    const continues = !SPECIAL_TOKEN.test(token) && marked === markers.isSuffixSymbol;
    if (continues) {
      if (i === tokens.length - 1 && i + 1 - wordStart > 1) spans.push([wordStart, i + 1]);
      return;
    }
    if (i - wordStart > 1) spans.push([wordStart, i]);
    wordStart = i;
  });
  return spans;
}
