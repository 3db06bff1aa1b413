import { inseqError } from "../errors.js";
import type { PathParameters } from "./pathParameters.js";

/** Riemann rules of Captum's `approximation_methods`. */
export type RiemannRule = "left" | "right" | "middle" | "trapezoid";

/**
 * Riemann points and weights exactly as Captum builds them: step sizes `1/n` (halved at both ends for the
 * trapezoid rule) and alphas from `np.linspace` (left `[0, 1−1/n]`, right `[1/n, 1]`, middle
 * `[1/2n, 1−1/2n]`, trapezoid `[0, 1]`). Needs `n > 1`, as Captum asserts.
 */
export function riemann(n: number, rule: RiemannRule): PathParameters {
  if (!Number.isInteger(n) || n < 2) {
    throw inseqError("INVALID_OPTION", `Riemann approximations need an integer number of steps (nSteps) larger than one, got ${n}.`);
  }
  const stepSizes = new Array<number>(n).fill(1 / n);
  if (rule === "trapezoid") {
    stepSizes[0] /= 2;
    stepSizes[n - 1] /= 2;
  }
  const ranges: Record<RiemannRule, [number, number]> = {
    trapezoid: [0, 1],
    left: [0, 1 - 1 / n],
    middle: [1 / (2 * n), 1 - 1 / (2 * n)],
    right: [1 / n, 1],
  };
  const range = ranges[rule];
  if (!range) throw inseqError("INVALID_OPTION", `Unknown Riemann rule "${rule}"; use left, right, middle or trapezoid.`);
  return { alphas: linspace(range[0], range[1], n), stepSizes };
}

/** numpy's `linspace(start, stop, n)`: `i·step + start`, the last point set to `stop` exactly. */
function linspace(start: number, stop: number, n: number): number[] {
  const step = (stop - start) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => i * step + start);
  out[n - 1] = stop;
  return out;
}
