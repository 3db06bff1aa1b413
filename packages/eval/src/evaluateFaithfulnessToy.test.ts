import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "@inseqjs/gradient";
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw, buildAttributionOutput, type AttributeOptions, type AttributionModel } from "@inseqjs/core";
import { createToyModel } from "@inseqjs/core/testing";
import { evaluateFaithfulness } from "./evaluateFaithfulness.js";
import { replaceFeatures } from "./replaceFeatures.js";
import { stepFeatures } from "./stepFeatures.js";
import { targetProbabilities } from "./targetProbabilities.js";

const VOCAB = ["the", "cat", "sat", "on", "mat", "dog", "ran", "far"];

describe("evaluateFaithfulness on the core toy model", () => {
  let causal: AttributionModel;
  let encdec: AttributionModel;
  let start: number;
  beforeAll(async () => {
    await useBackend("cpu");
    start = tf.memory().numTensors;
    causal = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 3 });
    encdec = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 4, encoderDecoder: true, embedScale: Math.sqrt(8) });
  });
  afterAll(() => {
    causal.dispose();
    encdec.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  const attribute = async (model: AttributionModel, input: string, generated: string, options: Partial<AttributeOptions> = {}) => {
    const full: AttributeOptions = { method: "saliency", generatedTexts: generated, stepScores: ["probability"], ...options };
    return buildAttributionOutput(model, await attributeRaw(model, input, full), full);
  };

  it("its full-input probability equals the step loop's probability score, and each curve point equals a direct forward", async () => {
    for (const [model, input, generated] of [
      [causal, "the cat sat", "the cat sat on the mat"],
      [encdec, "the cat sat on", "dog ran far"],
    ] as const) {
      const out = await attribute(model, input, generated);
      const result = evaluateFaithfulness(model, out, { fractions: [0.2, 0.5] });
      const stepScores = out.sequenceAttributions[0].stepScores.probability.data;
      expect(result.steps).toHaveLength(stepScores.length);
      result.steps.forEach((s, k) => expect(s.probability).toBeCloseTo(stepScores[k], 5));
      // the point "top 2 removed" of step 1, recomputed by hand from the ranking
      const seq = out.sequenceAttributions[0].aggregate();
      const f = stepFeatures(seq, 1, model.isEncoderDecoder, model.tokenizer.specialIds);
      const removed = replaceFeatures({ sourceIds: f.sourceIds, prefixIds: f.prefixIds }, f.ranked.slice(0, 2), model.specialTokens.unk!);
      expect(result.steps[1].deletionCurve[2]).toBeCloseTo(targetProbabilities(model, [removed], f.targetId, 1)[0], 6);
      expect(removed.sourceIds ?? removed.prefixIds).toContain(model.specialTokens.unk);
    }
  });

  it("gives the same numbers for any forward batch size", async () => {
    const out = await attribute(causal, "the cat sat", "the cat sat on the mat", { method: "input_x_gradient" });
    const a = evaluateFaithfulness(causal, out, { batchSize: 2 });
    const b = evaluateFaithfulness(causal, out);
    a.steps.forEach((s, i) => s.deletionCurve.forEach((v, j) => expect(v).toBeCloseTo(b.steps[i].deletionCurve[j], 6)));
    expect(a.summary.insertionAuc).toBeCloseTo(b.summary.insertionAuc, 6);
  });
});
