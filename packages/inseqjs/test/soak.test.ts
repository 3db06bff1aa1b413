// Memory soak (docs/reliability.md): 200 attributions in one process — mixed methods, tiny-gpt2 and tiny-marian,
// short texts, 5-step paths — must leave tf.memory() exactly where it started (tensors and bytes) and keep the
// process RSS flat after a warm-up (bound RSS_BOUND_MB). Every model type frees all its weights on dispose().
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, loadTransformersModel, type InseqModel } from "../src/index.js";
import { modelPath } from "./fixtures.js";

const RUNS = 200;
const WARMUP = 20;
const RSS_BOUND_MB = 50;

/** The mix: every family of method, both models, with and without step scores, batched and greedy. */
const PLAN: { model: "gpt2" | "marian"; options: Record<string, unknown> }[] = [
  { model: "gpt2", options: { method: "saliency", stepScores: ["probability"] } },
  { model: "gpt2", options: { method: "integrated_gradients", nSteps: 5 } },
  { model: "marian", options: { method: "input_x_gradient" } },
  { model: "gpt2", options: { method: "deeplift" } },
  { model: "marian", options: { method: "integrated_gradients", nSteps: 5, attributeTarget: true } },
  { model: "gpt2", options: { method: "gradient_shap", nSamples: 5, seed: 3 } },
  { model: "marian", options: { method: "layer_integrated_gradients", nSteps: 5 } },
  { model: "gpt2", options: { method: "layer_gradient_x_activation", stepScores: ["logit"] } },
  { model: "marian", options: { method: "layer_deeplift" } },
  { model: "gpt2", options: { method: "discretized_integrated_gradients", nSteps: 5 } },
  { model: "marian", options: { method: "sequential_integrated_gradients", nSteps: 5 } },
  { model: "gpt2", options: { method: "saliency", generationArgs: { maxNewTokens: 3 } } },
];
const GPT2_TEXTS: [string, string][] = [["the cat sat on", "the cat sat on the mat"], ["a dog ran", "a dog ran to the"], ["the quick brown fox", "the quick brown fox jumps over"]];
const MARIAN_TEXTS = ["the cat sat on the mat", "a dog ran", "the house is big"];

const mb = (bytes: number) => bytes / 1024 / 1024;

// A full garbage collection before each measurement, so that RSS and heap show what is retained, not what the
// collector has not got to yet (the flag makes `gc` available to new contexts).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
function measure(): { rss: number; heap: number } {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

describe(`soak: ${RUNS} attributions in one process`, () => {
  let gpt2: InseqModel;
  let marian: InseqModel;
  beforeAll(async () => {
    gpt2 = await loadModel(modelPath("tiny-gpt2"), "saliency", { backend: "wasm" });
    marian = await loadModel(modelPath("tiny-marian"), "saliency", { backend: "wasm" });
  });
  afterAll(() => {
    gpt2?.dispose();
    marian?.dispose();
  });

  it("tf.memory() returns to its baseline after every run; RSS stays flat", async () => {
    const base = tf.memory();
    let warm = { rss: 0, heap: 0 };
    const checkpoints: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const step = PLAN[i % PLAN.length];
      const k = Math.floor(i / PLAN.length) % 3;
      const out = step.model === "gpt2"
        ? await gpt2.attribute(GPT2_TEXTS[k][0], { ...(step.options.generationArgs ? {} : { generatedTexts: GPT2_TEXTS[k][1] }), ...step.options })
        : await marian.attribute(MARIAN_TEXTS[k], { generationArgs: { maxNewTokens: 5 }, ...step.options });
      // use the output as a caller would: aggregate it
      expect(out.aggregate().sequenceAttributions).toHaveLength(1);
      const now = tf.memory();
      expect(now.numTensors, `run ${i} (${JSON.stringify(step.options)})`).toBe(base.numTensors);
      expect(now.numBytes, `run ${i}`).toBe(base.numBytes);
      if (i === WARMUP - 1) warm = measure();
      if ((i + 1) % 50 === 0) {
        const m = measure();
        checkpoints.push(`${i + 1}: RSS ${mb(m.rss).toFixed(1)} / heap ${mb(m.heap).toFixed(1)}`);
      }
    }
    const seconds = (Date.now() - t0) / 1000;
    const end = measure();
    console.log(
      `[soak] ${RUNS} attributions in ${seconds.toFixed(1)} s; tensors ${base.numTensors} → ${tf.memory().numTensors}, bytes ${base.numBytes} → ${tf.memory().numBytes}; ` +
        `after ${WARMUP} runs RSS ${mb(warm.rss).toFixed(1)} MB, heap ${mb(warm.heap).toFixed(1)} MB; then (MB) ${checkpoints.join("; ")}; ` +
        `drift RSS ${mb(end.rss - warm.rss).toFixed(1)} MB, heap ${mb(end.heap - warm.heap).toFixed(1)} MB`,
    );
    expect(mb(end.rss - warm.rss)).toBeLessThan(RSS_BOUND_MB);
    // the JS heap (after a full collection) keeps nothing per run: a leak of even 50 KB a run would show as 9 MB
    expect(mb(end.heap - warm.heap)).toBeLessThan(5);
  });
});

describe("dispose() frees every weight of every model type", () => {
  const root = new URL("../../../", import.meta.url);
  const archDir = new URL("test-data/models-arch/", root);
  const folders = [
    modelPath("tiny-gpt2"),
    modelPath("tiny-marian"),
    ...readdirSync(archDir).map((name) => fileURLToPath(new URL(`${name}/`, archDir))).filter((p) => !p.includes("quantized")),
  ];

  it.each(folders.map((f) => [f.split("/").filter(Boolean).pop()!, f]))("%s: numTensors and numBytes back to their pre-load values", async (_, folder) => {
    const before = tf.memory();
    const model = await loadTransformersModel(folder);
    const loaded = tf.memory();
    expect(loaded.numTensors).toBeGreaterThan(before.numTensors);
    // a forward in between must not pin anything either
    tf.tidy(() => {
      const ids = tf.tensor2d([[2, 3, 4]], undefined, "int32");
      model.forward(model.isEncoderDecoder ? { source: { ids }, target: { ids } } : { target: { ids } });
    });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    model.dispose(); // a second dispose is a no-op
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });
});
