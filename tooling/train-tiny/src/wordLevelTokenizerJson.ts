/** Options of {@link wordLevelTokenizerJson}. */
export interface WordLevelTokenizerOptions {
  /** Tokens marked `special` in `added_tokens` (with their ids taken from `vocab`). */
  readonly specialTokens: readonly string[];
  /** Appended after every encoded text by a TemplateProcessing post-processor (Marian's `</s>`). */
  readonly appendToken?: string;
}

/**
 * A `tokenizer.json` in the layout of models/tiny-gpt2 and models/tiny-marian: WordLevel model with `<unk>`,
 * Whitespace pre-tokenizer (`\w+|[^\w\s]+`), WordPiece decoder (joins words with spaces), optional EOS template.
 */
export function wordLevelTokenizerJson(vocab: readonly string[], options: WordLevelTokenizerOptions): Record<string, unknown> {
  const ids = new Map(vocab.map((w, i) => [w, i]));
  if (ids.size !== vocab.length) throw new Error("wordLevelTokenizerJson: duplicate words in the vocabulary");
  const idOf = (w: string) => {
    const id = ids.get(w);
    if (id === undefined) throw new Error(`wordLevelTokenizerJson: ${w} is not in the vocabulary`);
    return id;
  };
  const append = options.appendToken;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: options.specialTokens.map((content) => ({ id: idOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: "Whitespace" },
    post_processor: append
      ? {
          type: "TemplateProcessing",
          single: [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: append, type_id: 0 } }],
          pair: [{ Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 0 } }, { SpecialToken: { id: append, type_id: 0 } }],
          special_tokens: { [append]: { id: append, ids: [idOf(append)], tokens: [append] } },
        }
      : null,
    decoder: { type: "WordPiece", prefix: "##", cleanup: false },
    model: { type: "WordLevel", vocab: Object.fromEntries(vocab.map((w, i) => [w, i])), unk_token: "<unk>" },
  };
}
