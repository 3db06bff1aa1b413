// The layer methods inside core's step loop (by their registered ids): batches equal single sequences.
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw } from "@inseqjs/core";
import type { AttributionModel } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import "./index.js";
import { toyModels } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

const maxGap = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  a.forEach((v, i) => {
    expect(Number.isNaN(v)).toBe(Number.isNaN(b[i]));
    if (!Number.isNaN(v)) m = Math.max(m, Math.abs(v - b[i]));
  });
  return m;
};

async function run(model: AttributionModel, inputs: string[], generated: string[], method: string, options: Record<string, unknown>) {
  return (await attributeRaw(model, inputs, { method, generatedTexts: generated, ...options })).results;
}

describe("layer methods in the step loop", () => {
  it("decoder-only: a batch of two sequences of different lengths equals each alone, deltas included, no tensor leaked", async () => {
    const { causal } = toyModels();
    const inputs = ["the cat sat", "a dog"];
    const generated = ["the cat sat on a mat", "a dog ran far"];
    const start = tf.memory().numTensors;
    for (const [method, options] of [
      ["layer_integrated_gradients", { nSteps: 16, returnConvergenceDelta: true, targetLayer: "layers.0", internalBatchSize: 10 }],
      ["layer_gradient_x_activation", {}],
      ["layer_deeplift", { returnConvergenceDelta: true }],
    ] as const) {
      const batch = await run(causal, inputs, generated, method, options);
      for (let i = 0; i < 2; i++) {
        const [single] = await run(causal, [inputs[i]], [generated[i]], method, options);
        expect(batch[i].target!.shape).toEqual(single.target!.shape);
        expect(maxGap(batch[i].target!.data, single.target!.data)).toBeLessThan(1e-5);
        if ("returnConvergenceDelta" in options) {
          expect(maxGap(batch[i].stepScores.deltas.data, single.stepScores.deltas.data)).toBeLessThan(1e-5);
        }
      }
      expect(batch[0].source).toBeNull();
    }
    expect(tf.memory().numTensors).toBe(start);
    causal.dispose();
  });

  it("encoder-decoder: source attributions by default, the decoder layers on the target side", async () => {
    const { encdec } = toyModels();
    const start = tf.memory().numTensors;
    const [src] = await run(encdec, ["the cat sat"], ["a dog ran"], "layer_integrated_gradients", { nSteps: 8 });
    expect(src.source!.shape).toEqual([4, 4, 8]); // 3 words + </s>; steps: a dog ran </s>
    expect(src.target).toBeNull();
    const [tgt] = await run(encdec, ["the cat sat"], ["a dog ran"], "layer_deeplift", { targetLayer: "layers.1" });
    expect(tgt.source).toBeNull();
    expect(tgt.target!.shape).toEqual([5, 4, 8]);
    const [both] = await run(encdec, ["the cat sat"], ["a dog ran"], "layer_gradient_x_activation", { attributeTarget: true });
    expect(both.source!.shape[0]).toBe(4);
    expect(both.target!.shape[0]).toBe(5);
    await expect(run(encdec, ["the cat"], ["a"], "layer_deeplift", { targetLayer: "encoder.layer.0" })).rejects.toThrow(/Closest names: "encoder.layers.0"/);
    expect(tf.memory().numTensors).toBe(start);
    encdec.dispose();
  });
});
