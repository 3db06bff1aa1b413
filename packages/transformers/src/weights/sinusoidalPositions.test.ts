import { describe, expect, it } from "vitest";
import { sinusoidalPositions } from "./sinusoidalPositions.js";

describe("sinusoidalPositions", () => {
  it("puts sines in the first half and cosines in the second (HF MarianSinusoidalPositionalEmbedding)", () => {
    const dim = 4;
    const t = sinusoidalPositions(3, dim);
    const row = (p: number) => Array.from(t.subarray(p * dim, (p + 1) * dim));
    expect(row(0)).toEqual([0, 0, 1, 1]);
    const expected = [Math.sin(2), Math.sin(2 / 100), Math.cos(2), Math.cos(2 / 100)];
    row(2).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 7));
  });

  it("handles an odd dimension like HF (sentinel = ⌈dim/2⌉)", () => {
    const t = sinusoidalPositions(2, 3);
    const expected = [Math.sin(1), Math.sin(1 / Math.pow(10000, 2 / 3)), Math.cos(1)];
    Array.from(t.subarray(3, 6)).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 7));
  });
});
