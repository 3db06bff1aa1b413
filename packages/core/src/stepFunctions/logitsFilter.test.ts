import { describe, expect, it } from "vitest";
import { topKRemovalMask, topPRemovalMask } from "./logitsFilter.js";

describe("top-p / top-k masks", () => {
  // probabilities .5, .3, .15, .05 (logits are their logs)
  const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);

  it("top-p removes the least likely tokens while their cumulative probability stays ≤ 1 − p", () => {
    expect([...topPRemovalMask(logits, 1, 4, 0.75)]).toEqual([0, 0, 1, 1]); // .05 + .15 = .2 ≤ .25; + .3 > .25
    expect([...topPRemovalMask(logits, 1, 4, 0.9)]).toEqual([0, 0, 0, 1]);
    expect([...topPRemovalMask(logits, 1, 4, 1)]).toEqual([0, 0, 0, 0]);
    expect([...topPRemovalMask(logits, 1, 4, 0)]).toEqual([0, 1, 1, 1]); // the most likely token is always kept
    expect([...topPRemovalMask(logits, 1, 4, 0.75, 3)]).toEqual([0, 0, 0, 1]);
    expect([...topPRemovalMask([...logits, ...[...logits].reverse()], 2, 4, 0.75)]).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it("top-k keeps the k largest (ties with the k-th kept), at least minTokensToKeep", () => {
    expect([...topKRemovalMask(logits, 1, 4, 2)]).toEqual([0, 0, 1, 1]);
    expect([...topKRemovalMask(logits, 1, 4, 1, 3)]).toEqual([0, 0, 0, 1]);
    expect([...topKRemovalMask([1, 2, 2, 0], 1, 4, 1)]).toEqual([1, 0, 0, 1]);
    expect(() => topKRemovalMask(logits, 1, 4, 5)).toThrow(/topK must be an integer in \[0, 4\]/);
    expect(() => topPRemovalMask(logits, 1, 4, 1.5)).toThrow(/topP must be in \[0, 1\]/);
  });
});
