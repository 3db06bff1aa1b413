import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { APPROXIMATION_METHODS } from "@inseqjs/core";
import { makeStepInputs } from "@inseqjs/core/testing";
import type { TestStepInputs } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { LayerIntegratedGradients } from "./layerIntegratedGradients.js";
import { maxAbs, maxAbsDiff, runMethod, scores, toyModels, total } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

/** f(x) − f(b) of a step, with the ids of `side` replaced by its baseline ids (the other side at its input). */
const gapOf = (s: TestStepInputs, side: "source" | "target"): number[] => {
  const fx = scores(s, side === "source" ? { sourceIds: s.source!.ids } : { targetIds: s.target.ids });
  const fb = scores(s, side === "source" ? { sourceIds: s.source!.baselineIds } : { targetIds: s.target.baselineIds });
  return fx.map((v, b) => v - fb[b]);
};

describe("layer_integrated_gradients", () => {
  it("is complete at middle layers (|Σattr − (f(x) − f(b))| < 1e-3 at 50 steps), output and input, and deltas report it", () => {
    const { causal, encdec } = toyModels();
    const dec = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const ed = makeStepInputs(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7, 8], [2, 9, 10]], targetTokenIds: [9, 11] });
    const cases = [
      { s: dec, raw: { targetLayer: "layers.0" }, side: "target" as const },
      { s: dec, raw: { targetLayer: "layers.1", attributeToLayerInput: true }, side: "target" as const },
      { s: dec, raw: { target_layer: "layers.1:input" }, side: "target" as const },
      { s: ed, raw: { targetLayer: "encoder.layers.0" }, side: "source" as const },
      { s: ed, raw: { targetLayer: "encoder.layers.0", attributeToLayerInput: true }, side: "source" as const },
      { s: ed, raw: { targetLayer: "layers.0" }, side: "target" as const },
    ];
    const embedding = runMethod(new LayerIntegratedGradients(), dec).target!;
    for (const { s, raw, side } of cases) {
      const r = runMethod(new LayerIntegratedGradients(), s, { ...raw, returnConvergenceDelta: true });
      const other = side === "source" ? "target" : "source";
      expect(r[other]).toBeUndefined();
      const gap = gapOf(s, side);
      expect(Math.min(...gap.map(Math.abs))).toBeGreaterThan(1e-3);
      const independent = r[side]!.map((row, b) => total(row) - gap[b]);
      expect(maxAbs(independent)).toBeLessThan(1e-3);
      expect(maxAbsDiff(r.deltas, independent)).toBeLessThan(1e-6);
      expect(r[side]![0].length).toBe((side === "source" ? s.source! : s.target).ids.shape[1]);
    }
    // a middle layer gives other numbers than the embedding layer
    const middle = runMethod(new LayerIntegratedGradients(), dec, { targetLayer: "layers.0" }).target!;
    expect(maxAbsDiff(middle, embedding)).toBeGreaterThan(1e-3);
    // the input of layers.1 is the output of layers.0
    const input1 = runMethod(new LayerIntegratedGradients(), dec, { targetLayer: "layers.1", attributeToLayerInput: true }).target!;
    expect(maxAbsDiff(input1, middle)).toBeLessThan(1e-7);
    [dec, ed].forEach((s) => s.dispose());
    [causal, encdec].forEach((m) => m.dispose());
  });

  it("gives the same numbers with internalBatchSize 1, 7 and in one batch, for every approximation method", () => {
    const { causal } = toyModels();
    const s = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    for (const method of APPROXIMATION_METHODS) {
      const raw = { method, nSteps: 12, targetLayer: "layers.0", returnConvergenceDelta: true };
      const whole = runMethod(new LayerIntegratedGradients(), s, raw);
      const chunked = runMethod(new LayerIntegratedGradients(), s, { ...raw, internalBatchSize: 7 });
      const tiny = runMethod(new LayerIntegratedGradients(), s, { ...raw, internal_batch_size: 1 });
      expect(maxAbs(whole.target)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(whole.target, chunked.target)).toBeLessThan(1e-7);
      expect(maxAbsDiff(whole.target, tiny.target)).toBeLessThan(1e-7);
      expect(maxAbsDiff(whole.deltas, chunked.deltas)).toBeLessThan(1e-7);
    }
    s.dispose();
    causal.dispose();
  });

  it("a left-padded batch of two rows of different lengths equals each row alone (1e-5)", () => {
    const { causal, encdec } = toyModels();
    const rows = [[0, 3, 4, 5, 6], [0, 7, 8]];
    const tokens = [9, 10];
    for (const targetLayer of [undefined, "layers.0", "layers.1"]) {
      const batch = makeStepInputs(causal, { targetIds: rows, targetTokenIds: tokens });
      const both = runMethod(new LayerIntegratedGradients(), batch, { targetLayer, returnConvergenceDelta: true });
      rows.forEach((row, b) => {
        const single = makeStepInputs(causal, { targetIds: [row], targetTokenIds: [tokens[b]] });
        const one = runMethod(new LayerIntegratedGradients(), single, { targetLayer, returnConvergenceDelta: true });
        const pad = rows[0].length - row.length;
        expect(maxAbsDiff(both.target![b].slice(pad), one.target![0])).toBeLessThan(1e-5);
        expect(Math.abs(both.deltas![b] - one.deltas![0])).toBeLessThan(1e-5);
        single.dispose();
      });
      batch.dispose();
    }
    // encoder-decoder: right-padded sources
    const src = [[3, 4, 5, 6, 0], [7, 0]];
    const batch = makeStepInputs(encdec, { sourceIds: src, targetIds: [[2, 8], [2, 9]], targetTokenIds: [10, 11] });
    const both = runMethod(new LayerIntegratedGradients(), batch, { targetLayer: "encoder.layers.0" });
    src.forEach((row, b) => {
      const single = makeStepInputs(encdec, { sourceIds: [row], targetIds: [[2, 8 + b]], targetTokenIds: [10 + b] });
      const one = runMethod(new LayerIntegratedGradients(), single, { targetLayer: "encoder.layers.0" });
      expect(maxAbsDiff(both.source![b].slice(0, row.length), one.source![0])).toBeLessThan(1e-5);
      single.dispose();
    });
    batch.dispose();
    [causal, encdec].forEach((m) => m.dispose());
  });

  it("multiplyByInputs false returns the integrated gradients, which times (a_x − a_b) give the attribution", () => {
    const { causal } = toyModels();
    const s = makeStepInputs(causal, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const attr = runMethod(new LayerIntegratedGradients(), s, { targetLayer: "layers.0" });
    const grads = runMethod(new LayerIntegratedGradients(), s, { targetLayer: "layers.0", multiplyByInputs: false });
    const [ax, ab] = ["ids", "baselineIds"].map((k) =>
      tf.tidy(() => s.forward({ targetIds: s.target[k as "ids"], capture: ["layers.0"] }).captured["layers.0"].arraySync() as number[][][]),
    );
    const times = grads.target!.map((r, n) => r.map((v, i) => v.map((g, j) => g * (ax[n][i][j] - ab[n][i][j]))));
    expect(maxAbsDiff(attr.target, times)).toBeLessThan(1e-7);
    expect(attr.deltas).toBeUndefined();
    s.dispose();
    causal.dispose();
  });
});
