import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { attributeRaw } from "@inseqjs/core";
import { loadModel } from "inseqjs";
import type { InseqModel } from "inseqjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const modelDir = fileURLToPath(new URL("../../../models/tiny-gpt2", import.meta.url));
const prompt = "the cat sat on";
const generated = "the cat sat on ? who many again who";

/** Largest |a − b| of two NaN-padded arrays whose NaN positions must coincide. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((v, i) => {
    expect(Number.isNaN(v)).toBe(Number.isNaN(b[i]));
    if (!Number.isNaN(v)) worst = Math.max(worst, Math.abs(v - b[i]));
  });
  return worst;
}

describe("stepBatchSize on a real GPT-2 (tiny-gpt2, wasm)", () => {
  let model: InseqModel;
  beforeAll(async () => {
    model = await loadModel(modelDir, "saliency", { backend: "wasm" });
  });
  afterAll(() => model.dispose());

  it.each([
    ["saliency", {}],
    ["integrated_gradients", { nSteps: 8, internalBatchSize: 8 }],
  ] as const)("%s: stacking the steps gives the one-step-at-a-time attributions and scores (float32 rounding)", async (method, methodOptions) => {
    const before = tf.memory().numTensors;
    const options = { method, generatedTexts: generated, stepScores: ["probability"], ...methodOptions };
    const plain = await attributeRaw(model.model, prompt, options);
    for (const stepBatchSize of [2, 5]) {
      const stacked = await attributeRaw(model.model, prompt, { ...options, stepBatchSize });
      const scale = Math.max(...Array.from(plain.results[0].target!.data).filter((v) => !Number.isNaN(v)).map(Math.abs));
      const probabilities = plain.results[0].stepScores.probability.data;
      const attrDiff = maxDiff(stacked.results[0].target!.data, plain.results[0].target!.data) / scale;
      const probDiff = maxDiff(stacked.results[0].stepScores.probability.data, probabilities) / Math.max(...probabilities);
      console.log(`${method} stepBatchSize ${stepBatchSize}: relative differences ${attrDiff.toExponential(2)} (attributions), ${probDiff.toExponential(2)} (probabilities)`);
      expect(attrDiff).toBeLessThanOrEqual(1e-5);
      expect(probDiff).toBeLessThanOrEqual(1e-5);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
