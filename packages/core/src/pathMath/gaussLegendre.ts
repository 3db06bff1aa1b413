import { inseqError } from "../errors.js";
import type { PathParameters } from "./pathParameters.js";

/**
 * Gauss-Legendre nodes and weights on [0, 1], as Captum derives them from numpy's `leggauss(n)`:
 * `alphas = (1 + x) / 2`, `stepSizes = w / 2`, nodes ascending. Nodes come from Newton iteration on the Legendre
 * polynomial in float64, then are symmetrised (as numpy does), so they agree with numpy to ~1e-15.
 */
export function gaussLegendre(n: number): PathParameters {
  if (!Number.isInteger(n) || n < 1) {
    throw inseqError("INVALID_OPTION", `Gauss-Legendre needs a positive integer number of steps (nSteps), got ${n}.`);
  }
  const x = new Array<number>(n);
  const w = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    // Tricomi's initial guess for the i-th root counted from +1, then Newton on P_n.
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p, d] = legendre(n, z);
      dp = d;
      const dz = p / d;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    dp = legendre(n, z)[1];
    x[n - 1 - i] = z;
    w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  // Symmetrise nodes and weights, and normalise the weights to sum 2, as numpy's leggauss does.
  const xs = x.map((v, i) => (v - x[n - 1 - i]) / 2);
  const ws = w.map((v, i) => (v + w[n - 1 - i]) / 2);
  const total = ws.reduce((a, b) => a + b, 0);
  return { alphas: xs.map((v) => 0.5 * (1 + v)), stepSizes: ws.map((v) => 0.5 * ((v / total) * 2)) };
}

/** `[P_n(z), P_n'(z)]` by the three-term recurrence. */
function legendre(n: number, z: number): [number, number] {
  let p0 = 1;
  let p1 = z;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, (n * (z * p1 - p0)) / (z * z - 1)];
}
