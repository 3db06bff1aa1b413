import { describe, expect, it } from "vitest";
import { mulberry32 } from "@inseqjs/core/testing";
import { KV_VOCAB, kvPairCount, sampleKvExample } from "./kvTask.js";

describe("key-value recall task", () => {
  it("builds prompts whose recorded positions hold the queried key, its value and the query", () => {
    const uniform = mulberry32(3);
    for (let pairs = 2; pairs <= 5; pairs++) {
      for (let i = 0; i < 50; i++) {
        const e = sampleKvExample(uniform, pairs);
        const words = e.prompt.split(" ");
        expect(words).toHaveLength(2 * pairs + 3);
        expect(kvPairCount(e.prompt)).toBe(pairs);
        expect(words.slice(-2)).toEqual([words[e.keyPosition], "="]);
        expect(words[e.queryPosition]).toBe(words[e.keyPosition]);
        expect(words[e.valuePosition]).toBe(e.answer);
        expect(e.valuePosition).toBe(e.keyPosition + 1);
        const keys = words.slice(0, 2 * pairs).filter((_, j) => j % 2 === 0);
        const values = words.slice(0, 2 * pairs).filter((_, j) => j % 2 === 1);
        expect(new Set(keys).size).toBe(pairs);
        expect(new Set(values).size).toBe(pairs);
        expect(words.every((w) => KV_VOCAB.includes(w))).toBe(true);
      }
    }
  });

  it("is reproducible from the seed", () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    expect(Array.from({ length: 5 }, () => sampleKvExample(a, 4))).toEqual(Array.from({ length: 5 }, () => sampleKvExample(b, 4)));
  });
});
