// The activation estimate against the real peak of one attribution forward + backward (tf.grads w.r.t. the input
// embeddings), on small random-weight models of each decoder-only family, with block recomputation off and on.
// "Real" = the high-water mark of the bytes the wasm module held for tensors, each buffer once; tf.memory().numBytes
// counts a buffer once per tensor object sharing it (reshapes, the copies tfjs saves for the backward) and is reported
// for comparison. Recalibrate memory/memoryConstants.ts when a ratio leaves [0.9, 2].
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import type { TransformersModel } from "../models/TransformersModel.js";
import { measureAttributionMemory } from "./measureAttributionMemory.js";
import { randomGpt2Files, randomLlamaFiles } from "./randomModelFiles.js";

const MODELS = {
  llama: () => randomLlamaFiles({ vocabSize: 512, hiddenSize: 128, intermediateSize: 384, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 4096 }),
  gpt2: () => randomGpt2Files({ vocabSize: 512, hiddenSize: 128, numLayers: 2, numHeads: 4, maxPositions: 4096 }),
};
const LENGTHS = [128, 512];

describe.each(Object.keys(MODELS) as (keyof typeof MODELS)[])("%s: estimateAttributionMemory against the measured peak (wasm)", (arch) => {
  let model: TransformersModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(arch, { files: memoryModelFiles(MODELS[arch]()) });
  });

  it("weights: the parameter bytes the model holds", () => {
    const before = tf.memory().numBytes;
    const estimate = model.estimateAttributionMemory({ batch: 1, targetLength: 8, gradients: true });
    expect(estimate.residentBytes).toBeGreaterThan(0);
    expect(estimate.residentBytes).toBeLessThanOrEqual(before);
    expect(estimate.breakdown.weights).toBe(estimate.residentBytes);
    expect(estimate).toMatchObject({ backend: "wasm", limitSource: "wasm-heap-max" });
  });

  it.each([false, true])("recompute %s: activations estimate / measured within [0.9, 2] at two lengths", async (recompute) => {
    model.recompute = recompute;
    for (const targetLength of LENGTHS) {
      const measured = await measureAttributionMemory(model, { batch: 1, targetLength });
      const estimate = model.estimateAttributionMemory({ batch: 1, targetLength, gradients: true });
      const activations = estimate.bytes - estimate.residentBytes - (estimate.breakdown.allocatorOverhead ?? 0) - (estimate.breakdown.packedWeights ?? 0);
      const ratio = activations / measured.wasmActivationBytes!;
      console.log(`${arch} recompute=${recompute} L=${targetLength}: estimate ${(activations / 2 ** 20).toFixed(1)} MiB, measured ${(measured.wasmActivationBytes! / 2 ** 20).toFixed(1)} MiB (numBytes high-water ${(measured.activationBytes / 2 ** 20).toFixed(1)} MiB), ratio ${ratio.toFixed(2)}; ${estimate.plan}`);
      expect(estimate.plan).toContain(recompute ? "recomputed" : "taped");
      expect(ratio).toBeGreaterThanOrEqual(0.9);
      expect(ratio).toBeLessThanOrEqual(2);
    }
    model.recompute = "auto";
  });
});

describe("every architecture has an estimate", () => {
  const root = new URL("../../../../", import.meta.url);
  const dir = (p: string) => fileURLToPath(new URL(p, root));
  it.each(["models/tiny-gpt2", "models/tiny-marian", "test-data/models-arch/bart", "test-data/models-arch/m2m_100", "test-data/models-arch/mbart", "test-data/models-arch/gemma2", "test-data/models-arch/qwen3"])("%s", async (path) => {
    await useBackend("wasm");
    const model = await loadTransformersModel(dir(path));
    const config = JSON.parse(readFileSync(`${dir(path)}/config.json`, "utf8")) as { model_type: string };
    const request = { batch: 2, targetLength: 16, sourceLength: model.isEncoderDecoder ? 24 : undefined, gradients: true };
    const estimate = model.estimateAttributionMemory(request);
    expect(estimate.bytes, config.model_type).toBeGreaterThan(estimate.residentBytes);
    for (const part of ["blockActivations", "attention", "logits"]) expect(estimate.breakdown[part], part).toBeGreaterThan(0);
    // twice the batch: about twice the activations
    const double = model.estimateAttributionMemory({ ...request, batch: 4 });
    expect(double.bytes - double.residentBytes).toBeGreaterThan(1.5 * (estimate.bytes - estimate.residentBytes - estimate.breakdown.packedWeights!));
    model.dispose();
  });
});
