import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { APPROXIMATION_METHODS, approximationParameters } from "./approximationParameters.js";
import { gaussLegendre } from "./gaussLegendre.js";
import { riemann } from "./riemann.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../test-data/expected/tiny-gpt2/${name}.json`, import.meta.url), "utf8")) as {
    args: { alphas: number[]; step_sizes: number[]; n_steps: number };
  };

const expectClose = (got: readonly number[], want: readonly number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(tol));
};

describe("gaussLegendre", () => {
  it("equals Captum's recorded alphas and step sizes (numpy leggauss) to 1e-12", () => {
    for (const name of ["integrated_gradients", "sequential_integrated_gradients"]) {
      const { args } = fixture(name);
      const { alphas, stepSizes } = gaussLegendre(args.n_steps);
      expectClose(alphas, args.alphas, 1e-12);
      expectClose(stepSizes, args.step_sizes, 1e-12);
    }
  });

  it("matches closed forms for small n and numpy for larger n", () => {
    expectClose(gaussLegendre(1).alphas, [0.5], 1e-15);
    expectClose(gaussLegendre(1).stepSizes, [1], 1e-15);
    expectClose(gaussLegendre(2).alphas, [0.5 - 0.5 / Math.sqrt(3), 0.5 + 0.5 / Math.sqrt(3)], 1e-15);
    expectClose(gaussLegendre(3).alphas, [0.5 - Math.sqrt(0.6) / 2, 0.5, 0.5 + Math.sqrt(0.6) / 2], 1e-15);
    expectClose(gaussLegendre(3).stepSizes, [5 / 18, 8 / 18, 5 / 18], 1e-15);
    // numpy 1.24: 0.5 * (1 + leggauss(n)[0])[:3], 0.5 * leggauss(n)[1][:3]
    expectClose(gaussLegendre(64).alphas.slice(0, 3), [0.0003474791321139148, 0.00182994161402239, 0.0044933142616278565], 1e-13);
    expectClose(gaussLegendre(64).stepSizes.slice(0, 3), [0.00089164036084707, 0.0020735166302822496, 0.003252228984489251], 1e-13);
    expectClose(gaussLegendre(257).alphas.slice(0, 3), [2.1804643834777426e-5, 0.0001148838048309897, 0.0002823258168174747], 1e-13);
    expectClose(gaussLegendre(257).stepSizes.slice(0, 3), [5.5957350719902345e-5, 0.00013024997790042639, 0.00020463324141865182], 1e-13);
  });

  it("integrates polynomials of degree < 2n exactly on [0, 1]", () => {
    for (const n of [4, 17, 50]) {
      const { alphas, stepSizes } = gaussLegendre(n);
      for (let k = 0; k < 2 * n; k += 3) {
        const q = alphas.reduce((s, a, i) => s + stepSizes[i] * a ** k, 0);
        expect(Math.abs(q - 1 / (k + 1))).toBeLessThan(1e-13);
      }
    }
  });

  it("rejects a non-positive or fractional number of steps", () => {
    for (const n of [0, -1, 2.5, Number.NaN]) {
      expect(() => gaussLegendre(n)).toThrow(/positive integer number of steps/);
    }
  });
});

describe("riemann", () => {
  it("builds Captum's left / right / middle / trapezoid points and weights", () => {
    expectClose(riemann(4, "left").alphas, [0, 0.25, 0.5, 0.75], 0);
    expectClose(riemann(4, "right").alphas, [0.25, 0.5, 0.75, 1], 0);
    expectClose(riemann(4, "middle").alphas, [0.125, 0.375, 0.625, 0.875], 0);
    expectClose(riemann(5, "trapezoid").alphas, [0, 0.25, 0.5, 0.75, 1], 0);
    expectClose(riemann(4, "left").stepSizes, [0.25, 0.25, 0.25, 0.25], 0);
    expectClose(riemann(5, "trapezoid").stepSizes, [0.1, 0.2, 0.2, 0.2, 0.1], 0);
    // np.linspace(0, 1 - 1/7, 7) and np.linspace(1/14, 1 - 1/14, 7), bit for bit
    expect(riemann(7, "left").alphas).toEqual([
      0, 0.14285714285714288, 0.28571428571428575, 0.4285714285714286, 0.5714285714285715, 0.7142857142857144, 0.8571428571428572,
    ]);
    expect(riemann(7, "middle").alphas).toEqual([
      0.07142857142857142, 0.2142857142857143, 0.3571428571428572, 0.5, 0.6428571428571429, 0.7857142857142858, 0.9285714285714286,
    ]);
  });

  it("needs more than one step, as Captum asserts", () => {
    try {
      riemann(1, "left");
      expect.unreachable();
    } catch (e) {
      expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
    }
  });
});

describe("approximationParameters", () => {
  it("dispatches every Captum method name", () => {
    expect(approximationParameters("gausslegendre", 50)).toEqual(gaussLegendre(50));
    expect(approximationParameters("riemann_trapezoid", 6)).toEqual(riemann(6, "trapezoid"));
    for (const m of APPROXIMATION_METHODS) {
      const { alphas, stepSizes } = approximationParameters(m, 10);
      expect(alphas).toHaveLength(10);
      expect(Math.abs(stepSizes.reduce((a, b) => a + b, 0) - (m === "riemann_trapezoid" ? 0.9 : 1))).toBeLessThan(1e-12);
    }
    expect(() => approximationParameters("simpson" as never, 10)).toThrow(/Unknown approximation method "simpson"/);
  });
});
