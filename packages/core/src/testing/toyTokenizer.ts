import type { AttributionTokenizer } from "../model.js";

/** Special tokens of every toy vocabulary, at fixed ids. */
export const TOY_SPECIAL_TOKENS = ["<eos>", "<unk>", "<pad>"] as const;

/**
 * A whitespace word-level tokenizer over `["<eos>", "<unk>", "<pad>", ...words]`; unknown words map to `<unk>`.
 * With `appendEos` (encoder-decoder toys, like Marian) `encode` appends `<eos>` unless `addSpecialTokens` is false.
 */
export function createToyTokenizer(vocabulary: readonly string[], options: { appendEos?: boolean } = {}): AttributionTokenizer {
  const ids = new Map(vocabulary.map((word, id) => [word, id]));
  const specialIds = new Set<number>(TOY_SPECIAL_TOKENS.map((_, id) => id));
  const tokens = (list: readonly number[]): string[] =>
    list.map((id) => {
      const word = vocabulary[id];
      if (word === undefined) throw new RangeError(`Toy tokenizer: id ${id} is outside the vocabulary (size ${vocabulary.length}).`);
      return word;
    });
  return {
    className: "ToyWordLevelTokenizer",
    specialIds,
    encode(text, { addSpecialTokens = true } = {}) {
      const out = text.split(/\s+/).filter((w) => w.length > 0).map((w) => ids.get(w) ?? 1);
      if (options.appendEos && addSpecialTokens) out.push(0);
      return out;
    },
    decode(list, { skipSpecialTokens = false } = {}) {
      return tokens(list.filter((id) => !(skipSpecialTokens && specialIds.has(id)))).join(" ");
    },
    convertIdsToTokens: tokens,
  };
}
