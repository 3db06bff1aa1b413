import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { createToyModel } from "../testing/index.js";
import type { AttributionMethod, AttributionStepInputs, StepAttribution } from "../method.js";
import { isInseqError } from "../errors.js";
import { attributeRaw } from "./attribute.js";
import type { RawSequenceResult } from "./stepLoop.js";
import type { AttributionProgress } from "./stepLoop.js";

/** x · ∂f/∂x with per-row deltas `(batch, 2)`: exercises target attributions, step scores and 2-D deltas. */
const gradXInput: AttributionMethod<Record<string, never>> = {
  methodName: "test_grad_x_input",
  usesBaselines: false,
  attributesIds: false,
  resolveOptions: () => ({}),
  attributeStep(step: AttributionStepInputs): StepAttribution {
    const src = step.source;
    if (src) {
      const [gs, gt] = tf.grads((s: tf.Tensor, t: tf.Tensor) => tf.sum(step.forward({ sourceEmbeds: s as tf.Tensor3D, targetEmbeds: t as tf.Tensor3D }).scores))([src.embeds, step.target.embeds]);
      return { source: tf.mul(gs, src.embeds) as tf.Tensor3D, target: step.attributeTarget ? (tf.mul(gt, step.target.embeds) as tf.Tensor3D) : undefined };
    }
    const g = tf.grad((t: tf.Tensor) => tf.sum(step.forward({ targetEmbeds: t as tf.Tensor3D }).scores))(step.target.embeds);
    return { target: tf.mul(g, step.target.embeds) as tf.Tensor3D, deltas: tf.stack([tf.sum(g, [1, 2]), tf.max(g, [1, 2])], 1) };
  },
};

const vocab = "the a cat dog sat on mat ran far away".split(" ");

/** Largest |a − b| over two runs' results (NaN positions must coincide). */
function maxDifference(a: readonly RawSequenceResult[], b: readonly RawSequenceResult[]): number {
  let worst = 0;
  const cmp = (x: Float32Array, y: Float32Array) => {
    expect(x.length).toBe(y.length);
    x.forEach((v, i) => {
      expect(Number.isNaN(v)).toBe(Number.isNaN(y[i]));
      if (!Number.isNaN(v)) worst = Math.max(worst, Math.abs(v - y[i]));
    });
  };
  a.forEach((r, i) => {
    expect(r.target!.shape).toEqual(b[i].target!.shape);
    cmp(r.target!.data, b[i].target!.data);
    expect(Object.keys(r.stepScores).sort()).toEqual(Object.keys(b[i].stepScores).sort());
    for (const [name, s] of Object.entries(r.stepScores)) {
      expect(s.shape).toEqual(b[i].stepScores[name].shape);
      cmp(s.data, b[i].stepScores[name].data);
    }
  });
  return worst;
}

describe("stepBatchSize: stacked generation steps", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("decoder-only: any stepBatchSize gives the one-step-at-a-time numbers, for a batch of unequal sequences", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 3 });
    const inputs = ["the cat", "a dog ran"];
    const options = { method: gradXInput, generatedTexts: ["the cat sat on the mat", "a dog ran far away"], stepScores: ["probability", "logit"] };
    const before = tf.memory().numTensors;
    const plain = await attributeRaw(model, inputs, options);
    for (const stepBatchSize of [2, 3, 100]) {
      const progress: AttributionProgress[] = [];
      const stacked = await attributeRaw(model, inputs, { ...options, stepBatchSize, onProgress: (p) => progress.push(p) });
      expect(maxDifference(stacked.results, plain.results)).toBeLessThan(1e-6);
      expect(progress.at(-1)!.step).toBe(4 + 2);
      expect(progress.at(-1)!.totalSteps).toBe(6);
    }
    expect(plain.results[0].stepScores.deltas.shape).toEqual([4, 2]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("encoder-decoder: the option falls back to the plain loop (same numbers)", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 4, encoderDecoder: true });
    const options = { method: gradXInput, generatedTexts: "the cat sat on", stepScores: ["probability"], attributeTarget: true };
    const plain = await attributeRaw(model, "a dog ran", options);
    const stacked = await attributeRaw(model, "a dog ran", { ...options, stepBatchSize: 4 });
    expect(maxDifference(stacked.results, plain.results)).toBe(0);
    model.dispose();
  });

  it("rejects a stepBatchSize that is not a positive integer", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 5 });
    await expect(attributeRaw(model, "the cat", { method: gradXInput, generatedTexts: "the cat sat", stepBatchSize: 0 })).rejects.toSatisfy(
      (e: unknown) => isInseqError(e, "INVALID_OPTION") && /stepBatchSize/.test((e as Error).message),
    );
    model.dispose();
  });
});
