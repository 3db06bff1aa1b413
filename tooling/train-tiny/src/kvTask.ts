/** Keys of the key-value recall task. */
export const KV_KEYS = ["a", "b", "c", "d", "e", "f", "g", "h"] as const;
/** Values of the key-value recall task. */
export const KV_VALUES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;
/** Fewest and most pairs in a prompt. */
export const KV_MIN_PAIRS = 2;
export const KV_MAX_PAIRS = 5;

/** Vocabulary of tiny-kv, in id order: GPT-2's `<|endoftext|>` (bos = eos) and `<unk>` (the baseline) first. */
export const KV_VOCAB: readonly string[] = ["<|endoftext|>", "<unk>", ...KV_KEYS, ...KV_VALUES, ";", "="];

/** One recall prompt with its answer and the token positions a faithful attribution should point at. */
export interface KvExample {
  /** `a 3 b 7 c 1 d 5 ; b =` */
  readonly prompt: string;
  /** The value of the queried key (`7`). */
  readonly answer: string;
  /** Prompt token index of the queried key inside its pair. */
  readonly keyPosition: number;
  /** Prompt token index of the value to recall. */
  readonly valuePosition: number;
  /** Prompt token index of the key repeated in the query. */
  readonly queryPosition: number;
}

function pick<T>(items: readonly T[], count: number, uniform: () => number): T[] {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(uniform() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/**
 * A random prompt of `pairs` key-value pairs (distinct keys, distinct values), then `;`, a queried key and `=`.
 * Every word is one token of the WordLevel tokenizer, so word and token positions coincide.
 */
export function sampleKvExample(uniform: () => number, pairs: number): KvExample {
  const keys = pick(KV_KEYS, pairs, uniform);
  const values = pick(KV_VALUES, pairs, uniform);
  const q = Math.floor(uniform() * pairs);
  const words = keys.flatMap((k, i) => [k, values[i]]);
  return {
    prompt: [...words, ";", keys[q], "="].join(" "),
    answer: values[q],
    keyPosition: 2 * q,
    valuePosition: 2 * q + 1,
    queryPosition: 2 * pairs + 1,
  };
}

/** Number of pairs of a prompt (`(tokens − 3) / 2`). */
export function kvPairCount(prompt: string): number {
  return (prompt.split(" ").length - 3) / 2;
}
