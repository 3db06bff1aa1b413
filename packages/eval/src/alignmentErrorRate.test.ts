import { describe, expect, it } from "vitest";
import { alignmentCounts, alignmentErrorRate } from "./alignmentErrorRate.js";

describe("alignmentErrorRate", () => {
  it("is 1 − (|A∩S| + |A∩P|) / (|A| + |S|)", () => {
    const item = { predicted: [[0, 0], [1, 2], [2, 1]] as const, sure: [[0, 0], [2, 1], [1, 1]] as const, possible: [[1, 2]] as const };
    expect(alignmentCounts(item)).toEqual({ predicted: 3, sure: 3, predictedSure: 2, predictedPossible: 3 });
    expect(alignmentErrorRate(item)).toBeCloseTo(1 / 6, 12);
  });

  it("is 0 for a perfect alignment and 1 for a disjoint one (possible = sure by default)", () => {
    expect(alignmentErrorRate({ predicted: [[0, 1], [1, 0]], sure: [[1, 0], [0, 1]] })).toBe(0);
    expect(alignmentErrorRate({ predicted: [[0, 0]], sure: [[1, 1]] })).toBe(1);
  });

  it("sums counts over a corpus instead of averaging sentence rates", () => {
    const corpus = [
      { predicted: [[0, 0]] as const, sure: [[0, 0]] as const },
      { predicted: [[0, 0], [1, 1], [2, 2]] as const, sure: [[0, 1], [1, 1], [2, 2]] as const },
    ];
    // A∩S = 1 + 2, |A| + |S| = 2 + 6 → 1 − 6/8
    expect(alignmentErrorRate(corpus)).toBeCloseTo(0.25, 12);
  });

  it("rejects malformed links and empty alignments with a typed error", () => {
    expect(() => alignmentErrorRate({ predicted: [[0, -1]], sure: [] })).toThrow(/non-negative integers/);
    expect(() => alignmentErrorRate({ predicted: [], sure: [] })).toThrow(/at least one link/);
  });
});
