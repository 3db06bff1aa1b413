import * as tf from "@tensorflow/tfjs-core";
import { attributeRaw, describeMethods, isInseqError, listMethods, useBackend, type AttributeOptions, type AttributionModel } from "inseqjs";
import { createToyModel } from "@inseqjs/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./index.js";

const VOCAB = "the cat sat on a mat dog ran far away and then slept".split(" ");
let causal: AttributionModel;
let encdec: AttributionModel;

beforeAll(async () => {
  await useBackend("cpu");
  causal = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 21 });
  encdec = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 22, encoderDecoder: true, embedScale: Math.sqrt(8) });
});
afterAll(() => {
  causal.dispose();
  encdec.dispose();
});

/** Flat source + target attributions of every sequence (NaN cells dropped) and the deltas, checking for leaks. */
async function attribution(model: AttributionModel, options: AttributeOptions): Promise<{ values: number[]; deltas?: { data: Float32Array; shape: number[] } }> {
  const before = tf.memory().numTensors;
  const input = model.isEncoderDecoder ? ["the cat sat on a mat", "a dog ran"] : ["the cat sat", "a dog"];
  const generated = model.isEncoderDecoder ? ["then slept far away", "ran far"] : ["the cat sat on a mat", "a dog ran far"];
  const raw = await attributeRaw(model, input, { generatedTexts: generated, attributeTarget: true, ...options });
  expect(tf.memory().numTensors).toBe(before);
  const values = raw.results.flatMap((r) => [...(r.source?.data ?? []), ...(r.target?.data ?? [])].filter((v) => !Number.isNaN(v)));
  return { values, deltas: raw.results[0].stepScores.deltas };
}

const maxAbsDiff = (a: number[], b: number[]) => (expect(a.length).toBe(b.length), Math.max(...a.map((v, i) => Math.abs(v - b[i]))));

describe("noise_tunnel plugin", () => {
  it("is registered under its id, with a description", () => {
    expect(listMethods()).toContain("noise_tunnel");
    expect(describeMethods().find((m) => m.methodName === "noise_tunnel")?.description).toMatch(/SmoothGrad/);
  });

  it.each(["causal", "encdec"] as const)("smoothgrad with stdevs 0 equals the base method (%s toy)", async (which) => {
    const model = which === "causal" ? causal : encdec;
    for (const [baseMethod, baseOptions] of [["saliency", { abs: false }], ["integrated_gradients", { nSteps: 8 }], ["deeplift", {}]] as const) {
      const base = await attribution(model, { method: baseMethod, ...baseOptions });
      const smooth = await attribution(model, { method: "noise_tunnel", baseMethod, stdevs: 0, nSamples: 3, seed: 1, ...baseOptions });
      expect(Math.max(...base.values.map(Math.abs))).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(smooth.values, base.values), baseMethod).toBeLessThan(1e-6);
    }
  });

  it("vargrad is ≥ 0 everywhere and > 0 somewhere; with one sample smoothgrad_sq = smoothgrad² and vargrad = 0", async () => {
    const common = { method: "noise_tunnel", baseMethod: "saliency", abs: false, stdevs: 0.5, seed: 7 };
    const vargrad = await attribution(causal, { ...common, ntType: "vargrad", nSamples: 4 });
    expect(Math.min(...vargrad.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...vargrad.values)).toBeGreaterThan(1e-6);
    const [mean, sq, zero] = await Promise.all(
      (["smoothgrad", "smoothgrad_sq", "vargrad"] as const).map((ntType) => attribution(causal, { ...common, ntType, nSamples: 1 })),
    );
    expect(maxAbsDiff(sq.values, mean.values.map((v) => v * v))).toBeLessThan(1e-7);
    expect(Math.max(...zero.values)).toBe(0);
  });

  it("is reproducible with a seed and changes with it", async () => {
    const options = { method: "noise_tunnel", baseMethod: "integrated_gradients", nSteps: 4, stdevs: 0.3, nSamples: 2 };
    const a = await attribution(encdec, { ...options, seed: 3 });
    const b = await attribution(encdec, { ...options, seed: 3 });
    const c = await attribution(encdec, { ...options, seed: 4 });
    expect(b.values).toEqual(a.values);
    expect(maxAbsDiff(c.values, a.values)).toBeGreaterThan(1e-5);
  });

  it("passes options through to the base method and returns its deltas per sample", async () => {
    const r = await attribution(causal, { method: "noise_tunnel", baseMethod: "integrated_gradients", nSteps: 4, returnConvergenceDelta: true, nSamples: 3, stdevs: 0.1, seed: 0 });
    expect(r.deltas?.shape[1]).toBe(3);
    const bad = async (options: Record<string, unknown>, pattern: RegExp) => {
      const error = await attribution(causal, { method: "noise_tunnel", ...options }).catch((e: unknown) => e);
      expect(isInseqError(error, "INVALID_OPTION") && pattern.test((error as Error).message), String(error)).toBe(true);
    };
    await bad({ baseMethod: "saliency", nStepz: 3 }, /saliency has no option "nStepz"/);
    await bad({ baseMethod: "layer_integrated_gradients" }, /attributes a layer/);
    await bad({ ntType: "smoothgrad_cubed" }, /"ntType" must be "smoothgrad", "smoothgrad_sq", "vargrad"/);
    await bad({ stdevs: -1 }, /"stdevs" must be a finite number ≥ 0/);
    await bad({ baseMethod: "noise_tunnel" }, /another registered method/);
    const unknown = await attribution(causal, { method: "noise_tunnel", baseMethod: "no_such_method" }).catch((e: unknown) => e);
    expect(isInseqError(unknown, "UNKNOWN_METHOD")).toBe(true);
  });
});
