// Cancellation and progress on the real tiny models (docs/reliability.md): an abort stops the run within one step
// with an AbortError (code ABORTED) and leaks no tensor — every method, an abort before the start, an abort during
// DIG's asynchronous hook, an abort during greedy generation; progress reports step i of n with the elapsed time.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InseqModel, isInseqError, listMethods, loadModel, type AttributionModel, type AttributionProgress } from "../src/index.js";
import { modelPath } from "./fixtures.js";

/** Small paths so that a run of every method stays fast. */
const OPTIONS: Record<string, Record<string, unknown>> = {
  integrated_gradients: { nSteps: 4 },
  layer_integrated_gradients: { nSteps: 4 },
  sequential_integrated_gradients: { nSteps: 4 },
  gradient_shap: { nSamples: 4, seed: 1 },
  discretized_integrated_gradients: { nSteps: 4 },
};

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isInseqError(err, "ABORTED"), `expected ABORTED, got ${String(err)}`).toBe(true);
  expect((err as Error).name).toBe("AbortError");
  return err as Error;
}

/** `model` with every forward counted, calling `onForward(count)` after each. */
function counting(model: AttributionModel, onForward: (count: number) => void): { model: AttributionModel; count: () => number } {
  let n = 0;
  const wrapped = new Proxy(model, {
    get(target, prop) {
      if (prop === "forward") {
        return (...args: Parameters<AttributionModel["forward"]>) => {
          const out = target.forward(...args);
          onForward(++n);
          return out;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { model: wrapped, count: () => n };
}

describe("cancellation and progress", () => {
  let gpt2: InseqModel;
  let marian: InseqModel;
  beforeAll(async () => {
    gpt2 = await loadModel(modelPath("tiny-gpt2"), "saliency", { backend: "wasm" });
    marian = await loadModel(modelPath("tiny-marian"), "saliency", { backend: "wasm" });
  });
  afterAll(() => {
    gpt2.dispose();
    marian.dispose();
  });

  const methods = listMethods();
  it("covers every registered method", () => {
    expect(methods.length).toBeGreaterThanOrEqual(10);
  });

  it.each(methods)("%s: progress reports every step, an abort after step 1 stops there, nothing leaks", async (method) => {
    for (const [model, input, generated] of [[gpt2, "the cat sat on", "the cat sat on the mat and"], [marian, "the cat sat on the mat", undefined]] as const) {
      const options = { method, ...(OPTIONS[method] ?? {}), generatedTexts: generated, generationArgs: { maxNewTokens: 4, stopAtEos: false } };
      const before = tf.memory().numTensors;
      const seen: AttributionProgress[] = [];
      const full = await model.attribute(input, { ...options, onProgress: (p) => seen.push(p) });
      const n = full.sequenceAttributions[0].attrPosEnd - full.sequenceAttributions[0].attrPosStart;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(seen.map((p) => p.step)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(seen.every((p) => p.totalSteps === n && p.elapsedMs >= 0)).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i].elapsedMs).toBeGreaterThanOrEqual(seen[i - 1].elapsedMs);
      expect(tf.memory().numTensors).toBe(before);

      // abort from inside the first progress callback: no second step may start
      const controller = new AbortController();
      const steps: number[] = [];
      const run = model.attribute(input, {
        ...options,
        generatedTexts: full.info.generatedTexts[0] ?? generated,
        signal: controller.signal,
        onProgress: (p) => {
          steps.push(p.step);
          controller.abort(new Error("user cancelled"));
        },
      });
      const err = await rejection(run);
      expect((err.cause as Error).message).toBe("user cancelled");
      expect(steps).toEqual([1]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it.each(methods)("%s: an already aborted signal rejects before any forward", async (method) => {
    const { model, count } = counting(gpt2.model, () => undefined);
    const before = tf.memory().numTensors;
    await rejection(new InseqModel(model, method).attribute("the cat sat", { generatedTexts: "the cat sat on the", signal: AbortSignal.abort(), ...(OPTIONS[method] ?? {}) }));
    expect(count()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("DIG: an abort while its asynchronous hook builds the paths stops before the first step", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const steps: number[] = [];
    const run = gpt2.attribute("the cat sat on", {
      method: "discretized_integrated_gradients", nSteps: 4, generatedTexts: "the cat sat on the mat and", signal: controller.signal, onProgress: (p) => steps.push(p.step),
    });
    controller.abort();
    await rejection(run);
    expect(steps).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([["tiny-gpt2"], ["tiny-marian"]])("%s: an abort during greedy generation stops within one token", async (name) => {
    const base = name === "tiny-gpt2" ? gpt2 : marian;
    const controller = new AbortController();
    let abortedAt = -1;
    const { model, count } = counting(base.model, (n) => {
      if (n === 3) {
        controller.abort();
        abortedAt = n;
      }
    });
    const before = tf.memory().numTensors;
    await rejection(new InseqModel(model, "saliency").attribute("the cat", { generationArgs: { maxNewTokens: 30, stopAtEos: false }, signal: controller.signal }));
    expect(abortedAt).toBe(3);
    expect(count()).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
