import { describe, expect, it } from "vitest";
import { NumpyRandomState } from "./numpyRandomState.js";

describe("NumpyRandomState", () => {
  it("reproduces numpy's legacy RandomState bit for bit", () => {
    // numpy 1.24: r = np.random.RandomState(42); r.uniform(0, 1, 3); r.standard_normal(3); r.random_sample(2)
    const r = new NumpyRandomState(42);
    expect(r.uniform(0, 1, 3)).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
    // Normals agree to the last ulp or so (V8's Math.log vs the C library's), and consume the same draws.
    const normals = [r.standardNormal(), r.standardNormal(), r.standardNormal()];
    [-1.1118801180469204, 0.31890218468938336, 0.2790412922001377].forEach((v, i) => expect(Math.abs(normals[i] - v)).toBeLessThan(1e-15));
    expect([r.randomSample(), r.randomSample()]).toEqual([0.7080725777960455, 0.020584494295802447]);
    // RandomState(0).randint(0, 2**32, dtype=uint64) is the first raw output; RandomState(2**32 - 1).random_sample(2)
    expect(new NumpyRandomState(0).nextUint32()).toBe(2357136044);
    const top = new NumpyRandomState(4294967295);
    expect([top.randomSample(), top.randomSample()]).toEqual([0.0976320289940138, 0.9123828453026218]);
  });

  it("rejects seeds numpy rejects", () => {
    for (const seed of [-1, 2 ** 32, 1.5]) expect(() => new NumpyRandomState(seed)).toThrow(RangeError);
  });
});
