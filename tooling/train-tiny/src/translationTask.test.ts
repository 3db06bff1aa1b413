import { describe, expect, it } from "vitest";
import { mulberry32 } from "@inseqjs/core/testing";
import { ADJECTIVES, DETERMINERS, INTRANSITIVE_VERBS, NOUNS, TRANSITIVE_VERBS, sampleTranslation, translateVocab } from "./translationTask.js";

const dictionary: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.entries({ ...DETERMINERS, ...ADJECTIVES, ...NOUNS }).map(([k, v]) => [k, [v]])),
  ...TRANSITIVE_VERBS,
  ...INTRANSITIVE_VERBS,
};

describe("synthetic translation task", () => {
  it("aligns every target word to exactly one source word, whose dictionary entry produced it", () => {
    const uniform = mulberry32(5);
    for (let i = 0; i < 300; i++) {
      const e = sampleTranslation(uniform);
      const src = e.source.split(" ");
      const tgt = e.target.split(" ");
      expect(e.alignment.map(([, t]) => t)).toEqual(tgt.map((_, j) => j));
      for (const [s, t] of e.alignment) expect(dictionary[src[s]]).toContain(tgt[t]);
      // every source word is translated, in order of its target words
      const bySource = src.map((_, s) => e.alignment.filter(([x]) => x === s).map(([, t]) => tgt[t]));
      bySource.forEach((words, s) => expect(words).toEqual([...dictionary[src[s]]]));
    }
  });

  it("moves adjectives after their noun and maps some verbs to two words", () => {
    const uniform = mulberry32(8);
    const examples = Array.from({ length: 300 }, () => sampleTranslation(uniform));
    const swapped = examples.find((e) => Object.hasOwn(ADJECTIVES, e.source.split(" ")[1]))!;
    const [det, adj, noun] = swapped.source.split(" ");
    expect(swapped.target.split(" ").slice(0, 3)).toEqual([DETERMINERS[det], NOUNS[noun], ADJECTIVES[adj]]);
    expect(swapped.alignment.slice(0, 3)).toEqual([[0, 0], [2, 1], [1, 2]]);
    expect(examples.some((e) => e.target.split(" ").length > e.source.split(" ").length)).toBe(true);
  });

  it("has a vocabulary with the Marian specials at the ends and every word once", () => {
    const vocab = translateVocab();
    expect(vocab[0]).toBe("</s>");
    expect(vocab[1]).toBe("<unk>");
    expect(vocab.at(-1)).toBe("<pad>");
    expect(new Set(vocab).size).toBe(vocab.length);
    expect(vocab.every((w) => /^(<\/?\w+>|\w+)$/.test(w))).toBe(true);
  });
});
