import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { asOutOfMemoryError, isInseqError, isResourceExhaustion } from "../errors.js";
import type { AttributionMethod, AttributionStepInputs, StepAttribution } from "../method.js";
import type { AttributionMemoryEstimate, AttributionMemoryRequest, AttributionModel } from "../model.js";
import { createToyModel } from "../testing/index.js";
import { attributeRaw } from "./attribute.js";
import { forwardRows } from "./memoryPreflight.js";

/** ∂f/∂x of the target side: a gradient method without the gradient package. */
function gradient(name: string, fail?: () => never): AttributionMethod<Record<string, unknown>> {
  return {
    methodName: name,
    usesBaselines: false,
    attributesIds: false,
    resolveOptions: (raw) => ({ ...raw }),
    attributeStep(step: AttributionStepInputs): StepAttribution {
      const g = tf.grad((t: tf.Tensor) => {
        const s = tf.sum(step.forward({ targetEmbeds: t as tf.Tensor3D }).scores);
        if (fail) fail();
        return s;
      })(step.target.embeds);
      return { target: g as tf.Tensor3D };
    },
  };
}

const vocab = "the a cat dog sat on mat ran far away".split(" ");

/** The toy model with an estimate of `bytes` (weights `resident`) against `limit`; records the requests and forwards. */
function withEstimate(estimate: Partial<AttributionMemoryEstimate> & { bytes: number }) {
  const toy = createToyModel({ vocab, hiddenSize: 8, seed: 1 });
  const requests: AttributionMemoryRequest[] = [];
  let forwards = 0;
  const model: AttributionModel = {
    ...toy,
    tokenizer: toy.tokenizer,
    forward: (...args) => (forwards++, toy.forward(...args)),
    estimateAttributionMemory(request) {
      requests.push(request);
      return { breakdown: { weights: 1000, activations: estimate.bytes - 1000 }, residentBytes: 1000, backend: "wasm", ...estimate };
    },
  };
  return { model, requests, forwards: () => forwards };
}

describe("memory preflight", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("rows of one forward: path points per forward (internalBatchSize chunks) × step batch; DeepLIFT doubles; a method may say", () => {
    const m = (methodName: string, extra: Partial<AttributionMethod<unknown>> = {}) => ({ ...gradient(methodName), ...extra }) as AttributionMethod<unknown>;
    expect(forwardRows(m("saliency"), {}, 3)).toBe(3);
    expect(forwardRows(m("integrated_gradients"), { nSteps: 50 }, 2)).toBe(100);
    expect(forwardRows(m("integrated_gradients"), { nSteps: 50, internalBatchSize: 10 }, 2)).toBe(10);
    expect(forwardRows(m("integrated_gradients"), { nSteps: 50, internalBatchSize: 1 }, 2)).toBe(2); // at least one point
    expect(forwardRows(m("gradient_shap"), { nSamples: 5 }, 4)).toBe(20);
    expect(forwardRows(m("deeplift"), {}, 3)).toBe(6);
    expect(forwardRows(m("custom", { forwardRows: (_o: unknown, b: number) => 7 * b }), { nSteps: 50 }, 2)).toBe(14);
  });

  it("an estimate over the limit throws OUT_OF_MEMORY before any forward, naming the estimate, the limit and the backend", async () => {
    const { model, requests, forwards } = withEstimate({ bytes: 3 * 2 ** 30, limitBytes: 2 ** 30, limitSource: "wasm-heap-max", inUseBytes: 1000 });
    const e = await attributeRaw(model, "the cat", { method: gradient("test_grad", undefined), generatedTexts: "the cat sat on the mat", nSteps: 10, internalBatchSize: 4 }).then(() => undefined, (x: unknown) => x);
    expect(isInseqError(e, "OUT_OF_MEMORY")).toBe(true);
    expect(forwards()).toBe(0);
    // the longest prefix explains the last token: 6 target tokens → prefix 5; 4 points of the 10-point path per forward
    expect(requests).toEqual([{ batch: 4, targetLength: 5, gradients: true }]);
    const message = (e as Error).message;
    expect(message).toMatch(/4 rows \(1 step row × 4 path points\) of 5 target tokens/);
    expect(message).toMatch(/estimate 3\.00 GiB/);
    expect(message).toMatch(/the wasm backend can hold 1\.00 GiB \(wasm-heap-max\)/);
    expect(message).toMatch(/a smaller internalBatchSize \(now 4\)/);
  });

  it("within the limit, or without a known limit, the attribution runs; a tensor over the backend's largest is refused", async () => {
    for (const estimate of [{ bytes: 2 ** 20, limitBytes: 2 ** 30, inUseBytes: 1000 }, { bytes: 2 ** 40 }]) {
      const { model, forwards } = withEstimate(estimate);
      await attributeRaw(model, "the cat", { method: gradient("test_grad"), generatedTexts: "the cat sat" });
      expect(forwards()).toBeGreaterThan(0);
    }
    const { model } = withEstimate({ bytes: 2 ** 20, limitBytes: 2 ** 30, largestTensorBytes: 2 ** 33, maxTensorBytes: 2 ** 32 - 1 });
    const e = await attributeRaw(model, "the cat", { method: gradient("test_grad"), generatedTexts: "the cat sat" }).then(() => undefined, (x: unknown) => x);
    expect((e as Error).message).toMatch(/largest tensor would be 8\.00 GiB, over the 4\.00 GiB one wasm tensor can hold/);
  });

  it("a wasm RuntimeError in the backward becomes OUT_OF_MEMORY, and what the interrupted tape kept is freed", async () => {
    const toy = createToyModel({ vocab, hiddenSize: 8, seed: 2 });
    const before = tf.memory().numTensors;
    const abort = () => {
      throw new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info.");
    };
    const e = await attributeRaw(toy, "the cat", { method: gradient("test_grad", abort), generatedTexts: "the cat sat" }).then(() => undefined, (x: unknown) => x);
    expect(isInseqError(e, "OUT_OF_MEMORY")).toBe(true);
    expect((e as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((e as Error).message).toMatch(/reload the model/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("classifies resource failures", () => {
    expect(isResourceExhaustion(new WebAssembly.RuntimeError("memory access out of bounds"))).toBe(true);
    expect(isResourceExhaustion(new RangeError("Array buffer allocation failed"))).toBe(true);
    expect(isResourceExhaustion(Object.assign(new Error("wasm: cannot allocate"), { code: "OUT_OF_MEMORY" }))).toBe(true);
    expect(isResourceExhaustion(new TypeError("x is undefined"))).toBe(false);
    const typed = asOutOfMemoryError(new RangeError("Invalid typed array length: 5000000000"), "The forward") as Error;
    expect(isInseqError(typed, "OUT_OF_MEMORY")).toBe(true);
    expect(typed.message).toMatch(/The forward ran out of memory .*the model stays usable/);
  });
});
