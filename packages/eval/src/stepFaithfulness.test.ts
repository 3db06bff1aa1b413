import { describe, expect, it } from "vitest";
import { stepFaithfulness } from "./stepFaithfulness.js";

describe("stepFaithfulness", () => {
  it("derives every metric from the deletion and insertion curves", () => {
    const m = stepFaithfulness([0.8, 0.4, 0.2, 0.1], [0.1, 0.5, 0.7, 0.8], [0.25, 0.5, 1]);
    expect(m.features).toBe(3);
    expect(m.probability).toBe(0.8);
    expect(m.topCounts).toEqual([1, 2, 3]);
    const close = (actual: readonly number[], expected: number[]) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    close(m.comprehensiveness, [0.4, 0.6, 0.7]);
    close(m.sufficiency, [0.3, 0.1, 0]);
    close(m.logOdds, [Math.log(0.5), Math.log(0.25), Math.log(0.125)]);
    expect(m.aopcComprehensiveness).toBeCloseTo(1.7 / 3, 12);
    expect(m.aopcSufficiency).toBeCloseTo(0.4 / 3, 12);
    expect(m.aopcLogOdds).toBeCloseTo((Math.log(0.5) + Math.log(0.25) + Math.log(0.125)) / 3, 12);
    expect(m.deletionAuc).toBeCloseTo(0.35, 12);
    expect(m.insertionAuc).toBeCloseTo(0.55, 12);
  });

  it("clamps a zero probability before the log", () => {
    const m = stepFaithfulness([0.5, 0], [0, 0.5], [1]);
    expect(m.logOdds[0]).toBeCloseTo(Math.log(1e-12) - Math.log(0.5), 9);
  });

  it("rejects curves of different lengths", () => {
    expect(() => stepFaithfulness([0.5, 0.1], [0.1], [0.5])).toThrow(/n \+ 1/);
  });
});
