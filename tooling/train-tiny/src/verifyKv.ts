import { greedyGenerate } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import type { KvExample } from "./kvTask.js";

/** Held-out results of a saved tiny-kv folder, measured with the product's model code. */
export interface KvVerification {
  /** Fraction of prompts whose first greedy token is the answer. */
  readonly accuracy: number;
  /** Fraction whose greedy output is exactly `answer <|endoftext|>`. */
  readonly exactWithEos: number;
  readonly examples: number;
}

/** Loads `dir` with `loadTransformersModel` and greedily answers every held-out prompt through its forward. */
export async function verifyKv(dir: string, examples: readonly KvExample[]): Promise<KvVerification> {
  const model = await loadTransformersModel(dir);
  try {
    let correct = 0;
    let exact = 0;
    for (const e of examples) {
      const prompt = model.tokenizer.encode(e.prompt);
      const out = await greedyGenerate(model, { prefix: prompt }, { maxNewTokens: 2 });
      const generated = out.slice(prompt.length);
      const answer = model.tokenizer.encode(e.answer)[0];
      if (generated[0] === answer) correct++;
      if (generated[0] === answer && generated[1] === model.specialTokens.eos) exact++;
    }
    return { accuracy: correct / examples.length, exactWithEos: exact / examples.length, examples: examples.length };
  } finally {
    model.dispose();
  }
}
