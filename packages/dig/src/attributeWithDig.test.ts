import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw } from "@inseqjs/core";
import { createToyModel } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import "./index.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("discretized_integrated_gradients in core's step loop", () => {
  it("attributes a left-padded batch exactly as each sequence alone, with deltas, leaking no tensor", async () => {
    const model = createToyModel({ vocab: Array.from({ length: 40 }, (_, i) => `w${i}`), hiddenSize: 8, seed: 3 });
    const texts = ["w1 w2 w3", "w7 w8"];
    const generated = ["w1 w2 w3 w4 w5 w6", "w7 w8 w9 w10"];
    const options = { method: "discretized_integrated_gradients", generatedTexts: generated, nSteps: 10, nNeighbors: 8, cache: false };
    const start = tf.memory().numTensors;
    const batched = await attributeRaw(model, texts, options);
    const single = await attributeRaw(model, texts, { ...options, batchSize: 1 });
    expect(tf.memory().numTensors).toBe(start);
    batched.results.forEach((res, s) => {
      const [a, b] = [res.target!, single.results[s].target!];
      expect(a.shape).toEqual(b.shape);
      expect(a.shape[2]).toBe(8);
      let compared = 0;
      a.data.forEach((v, i) => {
        if (Number.isNaN(b.data[i])) return expect(v).toBeNaN();
        expect(Math.abs(v - b.data[i])).toBeLessThan(1e-5);
        compared++;
      });
      expect(compared).toBeGreaterThan(0);
      const deltas = res.stepScores.deltas;
      expect(Array.from(deltas.data).every(Number.isFinite)).toBe(true);
      Array.from(deltas.data).forEach((d, i) => expect(d).toBeCloseTo(single.results[s].stepScores.deltas.data[i], 5));
    });
    model.dispose();
  });
});
