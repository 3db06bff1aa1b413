import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { makeStepInputs } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { LayerDeepLift } from "./layerDeepLift.js";
import { LayerGradientXActivation } from "./layerGradientXActivation.js";
import { maxAbs, maxAbsDiff, runMethod, scores, toyModels, total } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("layer_deeplift", () => {
  it("is (a_x − a_b)·∂f/∂a(x) at a middle layer, with a_b from the baseline ids, and deltas Σattr − (f(x) − f(b))", () => {
    const { causal, encdec } = toyModels();
    const dec = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const ed = makeStepInputs(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7, 8], [2, 9, 10]], targetTokenIds: [9, 11] });
    const cases = [
      { s: dec, key: "layers.0", side: "target" as const, ids: "targetIds" as const },
      { s: ed, key: "encoder.layers.0", side: "source" as const, ids: "sourceIds" as const },
    ];
    for (const { s, key, side, ids } of cases) {
      const own = side === "source" ? s.source! : s.target;
      const r = runMethod(new LayerDeepLift(), s, { targetLayer: key, returnConvergenceDelta: true });
      const grads = runMethod(new LayerGradientXActivation(), s, { targetLayer: key, multiplyByInputs: false })[side]!;
      const [ax, ab] = [own.ids, own.baselineIds].map((t) => tf.tidy(() => s.forward({ [ids]: t, capture: [key] }).captured[key].arraySync() as number[][][]));
      const want = grads.map((r2, n) => r2.map((v, i) => v.map((g, j) => g * (ax[n][i][j] - ab[n][i][j]))));
      expect(maxAbs(want)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(r[side], want)).toBeLessThan(1e-7);
      const fx = scores(s, { [ids]: own.ids });
      const fb = scores(s, { [ids]: own.baselineIds });
      expect(maxAbsDiff(r.deltas, r[side]!.map((row, b) => total(row) - (fx[b] - fb[b])))).toBeLessThan(1e-6);
      // multiplyByInputs false: the multipliers, i.e. the gradients at the input
      expect(maxAbsDiff(runMethod(new LayerDeepLift(), s, { targetLayer: key, multiplyByInputs: false })[side], grads)).toBe(0);
    }
    [dec, ed].forEach((s) => s.dispose());
    [causal, encdec].forEach((m) => m.dispose());
  });
});
