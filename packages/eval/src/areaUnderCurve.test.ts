import { describe, expect, it } from "vitest";
import { areaUnderCurve } from "./areaUnderCurve.js";
import { topCount } from "./topCount.js";

describe("areaUnderCurve", () => {
  it("integrates a curve sampled on [0, 1] with the trapezoid rule", () => {
    expect(areaUnderCurve([1, 0.5, 0])).toBeCloseTo(0.5, 12);
    expect(areaUnderCurve([0.8, 0.4, 0.2, 0.1])).toBeCloseTo(0.35, 12);
    expect(areaUnderCurve([0.3])).toBe(0.3);
    expect(areaUnderCurve([])).toBeNaN();
  });
});

describe("topCount", () => {
  it("rounds k % of n tokens up, keeping at least one and at most n", () => {
    expect([0.01, 0.05, 0.1, 0.2, 0.5].map((f) => topCount(f, 11))).toEqual([1, 1, 2, 3, 6]);
    expect([0.01, 0.05, 0.1, 0.2, 0.5].map((f) => topCount(f, 10))).toEqual([1, 1, 1, 2, 5]);
    expect(topCount(1, 4)).toBe(4);
    expect(topCount(0.5, 1)).toBe(1);
  });
});
