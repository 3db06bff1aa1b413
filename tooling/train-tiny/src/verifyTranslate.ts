import { greedyGenerate } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import type { TranslationExample } from "./translationTask.js";

/** Held-out results of a saved tiny-translate folder, measured with the product's model code. */
export interface TranslateVerification {
  /** Fraction of sentences whose greedy translation equals the reference exactly (then `</s>`). */
  readonly exactMatch: number;
  /** Fraction of reference words produced at their position. */
  readonly wordAccuracy: number;
  readonly examples: number;
  /** A few wrong outputs, for the log. */
  readonly errors: readonly { source: string; expected: string; got: string }[];
}

/** Loads `dir` with `loadTransformersModel` and greedily translates every held-out sentence through its forward. */
export async function verifyTranslate(dir: string, examples: readonly TranslationExample[]): Promise<TranslateVerification> {
  const model = await loadTransformersModel(dir);
  try {
    let exact = 0;
    let words = 0;
    let wordsRight = 0;
    const errors: { source: string; expected: string; got: string }[] = [];
    for (const e of examples) {
      const out = await greedyGenerate(model, { sourceIds: model.tokenizer.encode(e.source), prefix: [model.specialTokens.decoderStart!] }, { maxNewTokens: 16 });
      const ended = out[out.length - 1] === model.specialTokens.eos;
      const got = model.tokenizer.decode(out.slice(1), { skipSpecialTokens: true });
      const ref = e.target.split(" ");
      const hyp = got.split(" ");
      words += ref.length;
      ref.forEach((w, i) => (wordsRight += hyp[i] === w ? 1 : 0));
      if (ended && got === e.target) exact++;
      else if (errors.length < 10) errors.push({ source: e.source, expected: e.target, got });
    }
    return { exactMatch: exact / examples.length, wordAccuracy: wordsRight / words, examples: examples.length, errors };
  } finally {
    model.dispose();
  }
}
