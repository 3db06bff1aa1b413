import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { makeStepInputs } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { LayerGradientXActivation } from "./layerGradientXActivation.js";
import { maxAbs, maxAbsDiff, runMethod, toyModels, total } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("layer_gradient_x_activation", () => {
  it("Σ a·∂f/∂a is the directional derivative of f along the activation (central finite difference)", () => {
    const { causal, encdec } = toyModels();
    const dec = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const ed = makeStepInputs(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7, 8], [2, 9, 10]], targetTokenIds: [9, 11] });
    const cases = [
      { s: dec, key: "layers.0", side: "target" as const, ids: "targetIds" as const },
      { s: dec, key: "layers.1:input", side: "target" as const, ids: "targetIds" as const },
      { s: ed, key: "encoder.layers.0", side: "source" as const, ids: "sourceIds" as const },
      { s: ed, key: "layers.1", side: "target" as const, ids: "targetIds" as const },
    ];
    for (const { s, key, side, ids } of cases) {
      const r = runMethod(new LayerGradientXActivation(), s, { targetLayer: key });
      const eps = 1e-2;
      const fd = tf.tidy(() => {
        const inputs = { [ids]: (side === "source" ? s.source! : s.target).ids };
        const a = s.forward({ ...inputs, capture: [key] }).captured[key];
        const at = (k: number) => s.forward({ ...inputs, override: { [key]: tf.mul(a, 1 + k) } }).scores;
        return Array.from(tf.div(tf.sub(at(eps), at(-eps)), 2 * eps).dataSync());
      });
      const sums = r[side]!.map(total);
      expect(maxAbs(fd)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(sums, fd)).toBeLessThan(1e-3 * maxAbs(fd));
      expect(r[side === "source" ? "target" : "source"]).toBeUndefined();
      expect(r.deltas).toBeUndefined();
    }
    [dec, ed].forEach((s) => s.dispose());
    [causal, encdec].forEach((m) => m.dispose());
  });

  it("multiplyByInputs false gives the gradient, which times the activation gives the attribution", () => {
    const { causal } = toyModels();
    const s = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6]], targetTokenIds: [6, 8] });
    const attr = runMethod(new LayerGradientXActivation(), s, { targetLayer: "layers.0" });
    const grads = runMethod(new LayerGradientXActivation(), s, { targetLayer: "layers.0", multiplyByInputs: false });
    const a = tf.tidy(() => s.forward({ targetIds: s.target.ids, capture: ["layers.0"] }).captured["layers.0"].arraySync() as number[][][]);
    const times = grads.target!.map((r, n) => r.map((v, i) => v.map((g, j) => g * a[n][i][j])));
    expect(maxAbsDiff(attr.target, times)).toBeLessThan(1e-7);
    // padding positions get nothing
    expect(maxAbs(grads.target![1].slice(0, 2))).toBe(0);
    s.dispose();
    causal.dispose();
  });
});
