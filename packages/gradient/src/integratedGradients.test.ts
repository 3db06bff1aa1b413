import { useBackend } from "@inseqjs/backend-tfjs";
import { APPROXIMATION_METHODS } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { IntegratedGradients } from "./integratedGradients.js";
import { maxAbs, maxAbsDiff, runMethod, scores, step, toyModels, total } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("integrated_gradients", () => {
  it("is complete: |Σattr − (f(x) − f(b))| < 1e-4 at 50 steps, shrinking with nSteps, and deltas report it", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const fx = scores(s, {});
    const fb = scores(s, { target: s.target.baselineEmbeds });
    const gap = (nSteps: number, method = "gausslegendre") => {
      const [r] = runMethod(new IntegratedGradients(), s, { nSteps, method, returnConvergenceDelta: true });
      const independent = r.target!.map((row, b) => total(row) - (fx[b] - fb[b]));
      expect(maxAbsDiff(r.deltas, independent)).toBeLessThan(1e-6);
      return maxAbs(independent);
    };
    expect(Math.abs(fx[0] - fb[0])).toBeGreaterThan(1e-2);
    expect(gap(50)).toBeLessThan(1e-4);
    const gl = [2, 5, 10].map((n) => gap(n));
    expect(gl[0]).toBeGreaterThan(gl[1]);
    expect(gl[1]).toBeGreaterThan(gl[2]);
    for (const method of ["riemann_trapezoid", "riemann_left", "riemann_right", "riemann_middle"]) {
      const r = [4, 16, 64].map((n) => gap(n, method));
      expect(r[0]).toBeGreaterThan(r[1]);
      expect(r[1]).toBeGreaterThan(r[2]);
    }
    s.dispose();
  });

  it("gives the same numbers with internalBatchSize 7 as in one batch, for every approximation method", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    for (const method of APPROXIMATION_METHODS) {
      const [whole] = runMethod(new IntegratedGradients(), s, { method, nSteps: 20, returnConvergenceDelta: true });
      const [chunked] = runMethod(new IntegratedGradients(), s, { method, nSteps: 20, returnConvergenceDelta: true, internalBatchSize: 7 });
      const [tiny] = runMethod(new IntegratedGradients(), s, { method, nSteps: 20, internal_batch_size: 1 });
      expect(maxAbsDiff(whole.target, chunked.target)).toBeLessThan(1e-6);
      expect(maxAbsDiff(whole.target, tiny.target)).toBeLessThan(1e-6);
      expect(maxAbsDiff(whole.deltas, chunked.deltas)).toBeLessThan(1e-6);
    }
    s.dispose();
  });

  it("multiplyByInputs false returns the integrated gradients, which times (x − b) give the attribution", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const [attr] = runMethod(new IntegratedGradients(), s);
    const [grads] = runMethod(new IntegratedGradients(), s, { multiplyByInputs: false });
    const x = s.target.embeds.arraySync();
    const b = s.target.baselineEmbeds.arraySync();
    const times = grads.target!.map((r, n) => r.map((v, i) => v.map((g, j) => g * (x[n][i][j] - b[n][i][j]))));
    expect(maxAbsDiff(attr.target, times)).toBeLessThan(1e-7);
    expect(attr.deltas).toBeUndefined();
    s.dispose();
  });

  it("encoder-decoder: completeness sums source and target attributions (Captum's convergence delta)", () => {
    const { encdec } = toyModels();
    const s = step(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7, 8], [2, 9]], targetTokenIds: [9, 10], attributeTarget: true });
    const [r] = runMethod(new IntegratedGradients(), s, { returnConvergenceDelta: true });
    const fx = scores(s, {});
    const fb = scores(s, { source: s.source!.baselineEmbeds, target: s.target.baselineEmbeds });
    const gaps = [0, 1].map((b) => total(r.source![b]) + total(r.target![b]) - (fx[b] - fb[b]));
    expect(maxAbs(gaps)).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.deltas, gaps)).toBeLessThan(1e-6);
    // Source only: the target prefix stays at its input value in f(b).
    const srcOnly = step(encdec, { sourceIds: [[3, 4, 5, 0]], targetIds: [[2, 7, 8]], targetTokenIds: [9] });
    const [so] = runMethod(new IntegratedGradients(), srcOnly, { returnConvergenceDelta: true });
    expect(so.target).toBeUndefined();
    const gap = total(so.source![0]) - (scores(srcOnly, {})[0] - scores(srcOnly, { source: srcOnly.source!.baselineEmbeds })[0]);
    expect(Math.abs(gap)).toBeLessThan(1e-4);
    s.dispose();
    srcOnly.dispose();
  });
});
