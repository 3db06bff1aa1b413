import { inseqError } from "@inseqjs/core";
import type { TransformersTokenizer } from "../../tokenizer/TransformersTokenizer.js";

/** Options choosing the token that generation forces at decoder position 1 (the target language). */
export interface TargetLanguageOptions {
  /**
   * Target language of a multilingual encoder-decoder: a language token as the vocabulary spells it (`__fr__` for
   * M2M-100, `fra_Latn` for NLLB, `fr_XX` for mBART-50) or an M2M-100 code (`fr` → `__fr__`). Its id is forced at
   * decoder position 1, as Hugging Face's `generate(forced_bos_token_id=...)` does.
   */
  readonly tgtLang?: string;
  /** Id forced at decoder position 1; overrides `config.json`'s `forced_bos_token_id`. */
  readonly forcedBosTokenId?: number;
}

const LANGUAGE_TOKEN = /^(__[A-Za-z-]+__|[a-z]{2,3}_[A-Z][A-Za-z]{1,3})$/;

/** Up to `n` language-like special tokens of the vocabulary, for messages. */
function languageTokens(tokenizer: TransformersTokenizer, n: number): string[] {
  return tokenizer.convertIdsToTokens([...tokenizer.specialIds]).filter((t) => LANGUAGE_TOKEN.test(t)).slice(0, n);
}

/**
 * The id forced at decoder position 1: `forcedBosTokenId`, else the id of `tgtLang`'s token, else `configValue`
 * (`config.json`'s `forced_bos_token_id`), else none. `INVALID_OPTION` for an unknown language or an id outside the
 * vocabulary.
 */
export function resolveForcedBosTokenId(options: TargetLanguageOptions, tokenizer: TransformersTokenizer, configValue: number | undefined, vocabSize: number, modelClass: string): number | undefined {
  let id = options.forcedBosTokenId;
  if (id !== undefined && (!Number.isInteger(id) || id < 0 || id >= vocabSize)) {
    throw inseqError("INVALID_OPTION", `forcedBosTokenId ${id} is not a token id of ${modelClass} (vocabulary 0..${vocabSize - 1}).`);
  }
  if (options.tgtLang !== undefined) {
    const lang = options.tgtLang;
    const found = [lang, `__${lang}__`].map((t) => tokenizer.tokenToId(t)).find((t) => t !== undefined);
    if (found === undefined) {
      const known = languageTokens(tokenizer, 8);
      throw inseqError(
        "INVALID_OPTION",
        `tgtLang "${lang}" is not a token of this ${modelClass} tokenizer (nor "__${lang}__"). Pass the language token as the vocabulary spells it${known.length ? `, e.g. ${known.map((t) => `"${t}"`).join(", ")}` : ""}, or forcedBosTokenId.`,
      );
    }
    if (id !== undefined && id !== found) {
      throw inseqError("INVALID_OPTION", `tgtLang "${lang}" is token ${found} but forcedBosTokenId is ${id}; pass only one of them.`);
    }
    id = found;
  }
  return id ?? configValue;
}
