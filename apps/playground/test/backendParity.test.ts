import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { useBackend } from "inseqjs";
import { maxRelativeDifference } from "../src/sequenceNumbers.js";
import { nodeNumbers, pairedLists, type RunSpec } from "./nodeReference.js";

// The same attribution on the two Node backends agrees within 1e-4 (relative to the largest magnitude of each
// array); webgl and webgpu are compared with these Node numbers in browser.test.ts.
const examples = {
  "tiny-gpt2": { inputTexts: ["the cat sat on"], generatedTexts: ["the cat sat on ? who many again who"] },
  "tiny-marian": { inputTexts: ["the cat sat on the mat"], generatedTexts: ["le chat est assis sur le tapis"] },
};

describe("cpu and wasm give the same attributions", () => {
  const worst: Record<string, number> = {};
  afterAll(async () => {
    console.log(`largest relative difference wasm vs cpu: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
    await useBackend("cpu");
  });

  for (const model of Object.keys(examples) as (keyof typeof examples)[]) {
    for (const method of ["saliency", "input_x_gradient", "integrated_gradients"]) {
      it(`${method} on ${model}`, async () => {
        const spec: RunSpec = { model, method, ...examples[model], stepScores: ["probability"], methodOptions: method === "integrated_gradients" ? { nSteps: 20 } : {} };
        const cpu = await nodeNumbers(spec, "cpu");
        const before = tf.memory().numTensors;
        const wasm = await nodeNumbers(spec, "wasm");
        expect(tf.memory().numTensors).toBe(before);
        const lists = pairedLists(cpu, wasm);
        expect(lists.length).toBe(3); // aggregated + raw of the attributed side, and the probability step score
        for (const [name, a, b] of lists) {
          expect(a.some((v) => v !== null && v !== 0), `${name} is not all zero`).toBe(true);
          const diff = maxRelativeDifference(b, a);
          worst[`${model}/${method}`] = Math.max(worst[`${model}/${method}`] ?? 0, diff);
          expect(diff, name).toBeLessThanOrEqual(1e-4);
        }
      });
    }
  }
});
