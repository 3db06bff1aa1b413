// At the input-embedding layer each layer method equals its input-space counterpart of @inseqjs/gradient: the layer
// output is a = E[ids] (before embedScale s), ∂f/∂a = s·∂f/∂(s·a), so (a_x − a_b)·∂f/∂a = (x − b)·∂f/∂x exactly.
import { useBackend } from "@inseqjs/backend-tfjs";
import { makeStepInputs } from "@inseqjs/core/testing";
import { DeepLift, InputXGradient, IntegratedGradients } from "@inseqjs/gradient";
import { beforeAll, describe, expect, it } from "vitest";
import { LayerDeepLift } from "./layerDeepLift.js";
import { LayerGradientXActivation } from "./layerGradientXActivation.js";
import { LayerIntegratedGradients } from "./layerIntegratedGradients.js";
import { maxAbs, maxAbsDiff, runMethod, scaled, toyModels } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

const pairs = () => [
  { layer: new LayerIntegratedGradients(), input: new IntegratedGradients(), raw: { nSteps: 20, returnConvergenceDelta: true } },
  { layer: new LayerGradientXActivation(), input: new InputXGradient(), raw: {} },
  { layer: new LayerDeepLift(), input: new DeepLift(), raw: { returnConvergenceDelta: true } },
];

describe("layer methods at the embedding layer", () => {
  it("decoder-only (embedScale 2, left-padded batch): equal the input-space methods", () => {
    const { causal } = toyModels();
    const s = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6]], targetTokenIds: [6, 8] });
    for (const { layer, input, raw } of pairs()) {
      const got = runMethod(layer, s, raw);
      const want = runMethod(input, s, raw);
      expect(got.source).toBeUndefined();
      expect(maxAbs(want.target)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(got.target, want.target)).toBeLessThan(1e-6 * maxAbs(want.target) + 1e-8);
      expect(maxAbsDiff(got.deltas, want.deltas)).toBeLessThan(1e-6);
    }
    s.dispose();
    causal.dispose();
  });

  it("encoder-decoder (embedScale √8): the source embedding layer, plus the target one with attributeTarget", () => {
    const { encdec } = toyModels();
    for (const attributeTarget of [false, true]) {
      const s = makeStepInputs(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7, 8], [2, 9, 10]], targetTokenIds: [9, 11], attributeTarget });
      for (const { layer, input, raw } of pairs()) {
        const got = runMethod(layer, s, raw);
        const want = runMethod(input, s, raw);
        expect(maxAbs(want.source)).toBeGreaterThan(1e-3);
        expect(got.target === undefined).toBe(!attributeTarget);
        const tol = 1e-6 * maxAbs([want.source, want.target ?? []]) + 1e-8;
        expect(maxAbsDiff(got.source, want.source)).toBeLessThan(tol);
        expect(maxAbsDiff(got.target, want.target)).toBeLessThan(tol);
        expect(maxAbsDiff(got.deltas, want.deltas)).toBeLessThan(1e-6);
      }
      s.dispose();
    }
    encdec.dispose();
  });

  it("without multiplyByInputs the layer gradients are embedScale × the input gradients", () => {
    const { encdec } = toyModels();
    const s = makeStepInputs(encdec, { sourceIds: [[3, 4, 5, 0]], targetIds: [[2, 7]], targetTokenIds: [9] });
    const k = Math.sqrt(8);
    const ig = runMethod(new IntegratedGradients(), s, { nSteps: 10, multiplyByInputs: false });
    const lig = runMethod(new LayerIntegratedGradients(), s, { nSteps: 10, multiplyByInputs: false });
    expect(maxAbsDiff(lig.source, scaled(ig.source, k))).toBeLessThan(1e-6 * maxAbs(lig.source));
    const dl = runMethod(new DeepLift(), s, { multiplyByInputs: false });
    const ldl = runMethod(new LayerDeepLift(), s, { multiplyByInputs: false });
    const lgxa = runMethod(new LayerGradientXActivation(), s, { multiplyByInputs: false });
    expect(maxAbsDiff(ldl.source, scaled(dl.source, k))).toBeLessThan(1e-6 * maxAbs(ldl.source));
    expect(maxAbsDiff(lgxa.source, ldl.source)).toBe(0);
    s.dispose();
    encdec.dispose();
  });
});
