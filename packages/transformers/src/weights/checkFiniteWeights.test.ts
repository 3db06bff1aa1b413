import { isInseqError } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { checkFiniteWeights, float32AllFinite } from "./checkFiniteWeights.js";

describe("checkFiniteWeights", () => {
  it("finds NaN / ±Infinity at every position of short and long arrays (4-way unrolled loop and its tail)", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1001]) {
      const values = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 1e-45 : 3.4e38));
      expect(float32AllFinite(values), `n=${n}`).toBe(true);
      for (let at = 0; at < n; at += n > 20 ? 97 : 1) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const poisoned = values.slice();
          poisoned[at] = bad;
          expect(float32AllFinite(poisoned), `n=${n} at=${at} ${bad}`).toBe(false);
          const err = (() => {
            try {
              checkFiniteWeights("w", poisoned, "here");
            } catch (e) {
              return e;
            }
          })();
          expect(isInseqError(err, "NON_FINITE")).toBe(true);
          expect((err as Error).message).toContain(`flat index ${at} of ${n}`);
        }
      }
    }
  });

  it("names the index as stored when the values were read transposed", () => {
    // stored (2, 3) → read as (3, 2): stored [1][2] (flat 5) lands at transposed [2][1] (flat 5); stored [0][2] (flat 2) at flat 4
    const transposed = new Float32Array(6);
    transposed[4] = NaN;
    expect(() => checkFiniteWeights("w", transposed, "here", [2, 3])).toThrow(/flat index 2 of 6/);
  });
});
