// internalBatchSize bounds peak tensor memory of the path methods: with it, the peak stays flat as the path grows
// (10 → 40 → 160 points); without it, the peak grows with the path. Measured on tiny-gpt2 through a wrapper model
// that samples tf.memory().numBytes right after every forward (when that forward's activations are all alive).
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, type AttributionModel } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { modelPath } from "./fixtures.js";

/** `model` with a forward that records the largest `tf.memory().numBytes` seen after a forward. */
function recordingPeak(model: AttributionModel): { model: AttributionModel; peak: () => number; reset: () => void } {
  let peak = 0;
  const wrapped = new Proxy(model, {
    get(target, prop) {
      if (prop === "forward") {
        return (...args: Parameters<AttributionModel["forward"]>) => {
          const out = target.forward(...args);
          peak = Math.max(peak, tf.memory().numBytes);
          return out;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { model: wrapped, peak: () => peak, reset: () => (peak = 0) };
}

/** Each path method, with the option that sets its path length (DIG takes gradients at nSteps − 1 points). */
const METHODS: { method: string; length: string; extra?: number; options?: Record<string, unknown> }[] = [
  { method: "integrated_gradients", length: "nSteps" },
  { method: "gradient_shap", length: "nSamples", options: { seed: 1 } },
  { method: "sequential_integrated_gradients", length: "nSteps" },
  { method: "discretized_integrated_gradients", length: "nSteps", extra: 1, options: { cache: false } },
  { method: "layer_integrated_gradients", length: "nSteps" },
];
const LENGTHS = [10, 40, 160];
const INTERNAL_BATCH_SIZE = 10;

describe("internalBatchSize bounds peak memory on tiny-gpt2", () => {
  let recorder: ReturnType<typeof recordingPeak>;
  beforeAll(async () => {
    await useBackend("wasm");
    recorder = recordingPeak(await loadTransformersModel(modelPath("tiny-gpt2")));
  });

  /** Peak bytes above the bytes held before the run, for one attribution of two steps. */
  async function peakAbove(method: string, options: Record<string, unknown>): Promise<number> {
    const before = tf.memory().numBytes;
    recorder.reset();
    await attributeRaw(recorder.model, "the quick brown fox", { method, generatedTexts: "the quick brown fox jumps over", ...options });
    expect(tf.memory().numBytes).toBe(before);
    return recorder.peak() - before;
  }

  it.each(METHODS)("$method: flat within 10% at internalBatchSize 10, growing without it", async ({ method, length, extra = 0, options = {} }) => {
    const bounded: number[] = [];
    const unbounded: number[] = [];
    for (const n of LENGTHS) {
      bounded.push(await peakAbove(method, { ...options, [length]: n + extra, internalBatchSize: INTERNAL_BATCH_SIZE }));
      unbounded.push(await peakAbove(method, { ...options, [length]: n + extra }));
    }
    const kb = (xs: number[]) => xs.map((b) => (b / 1024).toFixed(0)).join(" / ");
    console.log(`[memory] ${method} peak KiB above baseline for ${length} ${LENGTHS.map((n) => n + extra).join("/")}: internalBatchSize ${INTERNAL_BATCH_SIZE}: ${kb(bounded)}; unbounded: ${kb(unbounded)}`);
    expect(bounded[0]).toBeGreaterThan(0);
    for (const b of bounded) expect(b).toBeLessThanOrEqual(1.1 * bounded[0]);
    expect(unbounded[1]).toBeGreaterThan(2 * unbounded[0]);
    expect(unbounded[2]).toBeGreaterThan(2 * unbounded[1]);
    expect(unbounded[2]).toBeGreaterThan(5 * bounded[2]);
  });
});
