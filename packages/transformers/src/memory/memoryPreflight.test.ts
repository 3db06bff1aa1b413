// An attribution whose largest forward/backward cannot fit fails with OUT_OF_MEMORY before anything runs, naming the
// estimate, the limit, the backend and the fixes. The limit is lowered (64 MiB) so that the test stays small.
import { MEMORY_LIMIT_ENV, setMemoryLimit, useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw, isInseqError } from "@inseqjs/core";
import "@inseqjs/gradient";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import type { TransformersModel } from "../models/TransformersModel.js";
import { randomLlamaFiles } from "./randomModelFiles.js";

const words = (n: number, from = 3) => Array.from({ length: n }, (_, i) => `w${from + (i % 60)}`).join(" ");

async function rejection(run: Promise<unknown>): Promise<Error> {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(isInseqError(e, "OUT_OF_MEMORY"), `expected OUT_OF_MEMORY, got ${String(e)}`).toBe(true);
  return e as Error;
}

describe("memory preflight of attribute (wasm, lowered limit)", () => {
  let model: TransformersModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel("random-llama", {
      files: memoryModelFiles(randomLlamaFiles({ vocabSize: 64, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 32768 })),
    });
  });
  afterEach(() => {
    setMemoryLimit(undefined);
    delete process.env[MEMORY_LIMIT_ENV];
    vi.restoreAllMocks();
  });

  it("an oversized request is refused before any compute; the message names the estimate, the limit, the backend and the fixes", async () => {
    setMemoryLimit(64 * 2 ** 20);
    const forward = vi.spyOn(model, "forward");
    const embed = vi.spyOn(model, "embed");
    const prompt = words(3000);
    const e = await rejection(attributeRaw(model, prompt, { method: "saliency", generatedTexts: `${prompt} w7` }));
    expect(forward).not.toHaveBeenCalled();
    expect(embed).not.toHaveBeenCalled();
    expect(e.message).toMatch(/1 row .* of 3000 target tokens/);
    expect(e.message).toMatch(/estimate \d+(\.\d+)? MiB: weights .* blockActivations/);
    expect(e.message).toMatch(/the wasm backend can hold 64\.0 MiB \(option\)/);
    expect(e.message).toMatch(/Nothing was run/);
    expect(e.message).toMatch(/shorter prompt/);
    expect(e.message).toMatch(/another backend/);
  });

  it("path methods: the rows of one forward are internalBatchSize × the step batch; the message suggests a smaller one", async () => {
    process.env[MEMORY_LIMIT_ENV] = "64MiB";
    const prompt = words(400);
    const e = await rejection(attributeRaw(model, prompt, { method: "integrated_gradients", generatedTexts: `${prompt} w7`, nSteps: 50, internalBatchSize: 50 }));
    expect(e.message).toMatch(/50 rows \(1 step row × 50 path points\) of 400 target tokens/);
    expect(e.message).toMatch(/64\.0 MiB \(environment\)/);
    expect(e.message).toMatch(/a smaller internalBatchSize \(now 50\)/);
    // the same prompt, one path point per forward, fits
    const raw = await attributeRaw(model, prompt, { method: "integrated_gradients", generatedTexts: `${prompt} w7`, nSteps: 4, internalBatchSize: 1 });
    expect(raw.results[0].target!.shape).toEqual([401, 1, 64]);
  });

  it("stacked steps count as rows", async () => {
    setMemoryLimit(64 * 2 ** 20);
    const prompt = words(600);
    const generated = `${prompt} ${words(16, 10)}`;
    const e = await rejection(attributeRaw(model, prompt, { method: "saliency", generatedTexts: generated, stepBatchSize: 16 }));
    expect(e.message).toMatch(/16 rows .* of 615 target tokens/);
    expect(e.message).toMatch(/a smaller batchSize or stepBatchSize/);
  });

  it("at the real wasm cap (no lowered limit): integrated gradients on a 16000-token prompt with 50 path points per pass is refused up front", async () => {
    const forward = vi.spyOn(model, "forward");
    const prompt = words(16000);
    const e = await rejection(attributeRaw(model, prompt, { method: "integrated_gradients", generatedTexts: `${prompt} w7`, nSteps: 50, internalBatchSize: 50 }));
    expect(forward).not.toHaveBeenCalled();
    expect(e.message).toMatch(/50 rows \(1 step row × 50 path points\) of 16000 target tokens/);
    expect(e.message).toMatch(/the wasm backend can hold 4\.00 GiB \(wasm-heap-max\)/);
    expect(e.message).toMatch(/a smaller internalBatchSize \(now 50\)/);
  });

  it("what fits runs, under the same limit", async () => {
    setMemoryLimit(64 * 2 ** 20);
    const raw = await attributeRaw(model, words(20), { method: "saliency", generatedTexts: `${words(20)} w7 w8` });
    expect(raw.results[0].target!.shape).toEqual([22, 2, 64]);
  });
});
