import { useBackend } from "@inseqjs/backend-tfjs";
import type { AttributionMethod, RawMethodOptions } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { DeepLift } from "./deepLift.js";
import { GradientShap } from "./gradientShap.js";
import { InputXGradient } from "./inputXGradient.js";
import { IntegratedGradients } from "./integratedGradients.js";
import { Saliency } from "./saliency.js";
import { SequentialIntegratedGradients } from "./sequentialIntegratedGradients.js";
import { maxAbs, maxAbsDiff, runMethod, step, toyModels } from "./testing/runMethod.js";
import type { Result } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

const methods: [string, () => AttributionMethod<any>, RawMethodOptions][] = [
  ["saliency", () => new Saliency(), {}],
  ["input_x_gradient", () => new InputXGradient(), {}],
  ["integrated_gradients", () => new IntegratedGradients(), { returnConvergenceDelta: true, internalBatchSize: 16 }],
  ["deeplift", () => new DeepLift(), { returnConvergenceDelta: true }],
  ["gradient_shap", () => new GradientShap(), { alphas: [0.2, 0.45, 0.9], nSamples: 3, returnConvergenceDelta: true }],
  ["sequential_integrated_gradients", () => new SequentialIntegratedGradients(), { nSteps: 8, returnConvergenceDelta: true }],
];

/** Row `n` of a batched result, restricted to its real positions (target left-padded, source right-padded). */
function row(r: Result, n: number, targetLen: number, sourceLen?: number): Result {
  const t = r.target?.[n];
  return {
    target: t ? [t.slice(t.length - targetLen)] : undefined,
    source: r.source && sourceLen !== undefined ? [r.source[n].slice(0, sourceLen)] : undefined,
    deltas: r.deltas ? [r.deltas[n]] as Result["deltas"] : undefined,
  };
}

describe.each(methods)("%s", (_name, create, options) => {
  it("gives each row of a left-padded batch the numbers of the row alone (decoder-only)", () => {
    const { causal } = toyModels();
    const rows = [[0, 3, 4, 5, 6], [0, 7, 8]];
    const targets = [9, 10];
    const batch = step(causal, { targetIds: rows, targetTokenIds: targets });
    const [batched] = runMethod(create(), batch, options);
    rows.forEach((ids, n) => {
      const single = step(causal, { targetIds: [ids], targetTokenIds: [targets[n]] });
      const [alone] = runMethod(create(), single, options);
      expect(maxAbsDiff(row(batched, n, ids.length), alone)).toBeLessThan(1e-5);
      single.dispose();
    });
    expect(maxAbs(batched.target![1].slice(0, 2))).toBeLessThan(1e-7); // padding gets no attribution
    expect(maxAbs(batched.target)).toBeGreaterThan(1e-4);
    batch.dispose();
  });

  it("gives each row of a padded batch the numbers of the row alone (encoder-decoder, source and target)", () => {
    const { encdec } = toyModels();
    const sources = [[3, 4, 5, 0], [6, 0]];
    const prefixes = [[2, 7, 8], [2, 9]];
    const targets = [9, 10];
    const batch = step(encdec, { sourceIds: sources, targetIds: prefixes, targetTokenIds: targets, attributeTarget: true });
    const [batched] = runMethod(create(), batch, options);
    sources.forEach((src, n) => {
      const single = step(encdec, { sourceIds: [src], targetIds: [prefixes[n]], targetTokenIds: [targets[n]], attributeTarget: true });
      const [alone] = runMethod(create(), single, options);
      expect(maxAbsDiff(row(batched, n, prefixes[n].length, src.length), alone)).toBeLessThan(1e-5);
      single.dispose();
    });
    batch.dispose();
  });
});

describe("gradient_shap batches with a seed", () => {
  it("draws batch × nSamples coefficients per step in Captum's row order: row 0 matches the row alone", () => {
    const { causal } = toyModels();
    const batch = step(causal, { targetIds: [[0, 3, 4], [0, 7, 8]], targetTokenIds: [9, 10] });
    const single = step(causal, { targetIds: [[0, 3, 4]], targetTokenIds: [9] });
    const [b] = runMethod(new GradientShap(), batch, { seed: 42, returnConvergenceDelta: true });
    const [s] = runMethod(new GradientShap(), single, { seed: 42, returnConvergenceDelta: true });
    expect(maxAbsDiff(row(b, 0, 3), s)).toBeLessThan(1e-5);
    batch.dispose();
    single.dispose();
  });
});
