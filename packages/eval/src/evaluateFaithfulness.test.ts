import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { FeatureAttributionOutput, ndarray, type AttributionModel, type SequenceAttributionData } from "@inseqjs/core";
import { evaluateFaithfulness } from "./evaluateFaithfulness.js";
import { COUNTING_VOCAB, countingProbability as p, createCountingModel } from "./testing/countingModel.js";

const tok = (word: string) => ({ token: word, id: COUNTING_VOCAB.indexOf(word as (typeof COUNTING_VOCAB)[number]) });
const close = (actual: readonly number[], expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
};

describe("evaluateFaithfulness (counting model: logit of y = 2·#a + #b)", () => {
  let decoder: AttributionModel;
  let encoderDecoder: AttributionModel;
  let start: number;
  beforeAll(async () => {
    await useBackend("cpu");
    start = tf.memory().numTensors;
    decoder = createCountingModel();
    encoderDecoder = createCountingModel(true);
  });
  afterAll(() => {
    decoder.dispose();
    encoderDecoder.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it("decoder-only: ranks the prompt by score and re-runs the model with tokens replaced by <unk>", () => {
    // prompt "a b c", explained token y; the attribution ranks c (0.5) > a (0.3) > b (0.2)
    const data: SequenceAttributionData = {
      source: ["a", "b", "c"].map(tok),
      target: ["a", "b", "c", "y"].map(tok),
      sourceAttributions: null,
      targetAttributions: ndarray([0.3, 0.2, 0.5, Number.NaN], [4, 1]),
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 3,
      attrPosEnd: 4,
    };
    const result = evaluateFaithfulness(decoder, new FeatureAttributionOutput({ sequenceAttributions: [data] }), { fractions: [0.3, 0.5, 1] });
    expect(result.steps).toHaveLength(1);
    const s = result.steps[0];
    expect(s.token).toEqual(tok("y"));
    expect(s.features).toBe(3);
    // deletion: remove c → z 3, then a → z 1, then b → z 0; insertion: keep c → 0, c+a → 2, all → 3
    close(s.deletionCurve, [p(3), p(3), p(1), p(0)]);
    close(s.insertionCurve, [p(0), p(0), p(2), p(3)]);
    expect(s.topCounts).toEqual([1, 2, 3]);
    close(s.comprehensiveness, [0, p(3) - p(1), p(3) - p(0)]);
    close(s.sufficiency, [p(3) - p(0), p(3) - p(2), 0]);
    close(s.logOdds, [0, Math.log(p(1) / p(3)), Math.log(p(0) / p(3))]);
    expect(s.deletionAuc).toBeCloseTo((p(3) + 2 * p(3) + 2 * p(1) + p(0)) / 6, 6);
    expect(s.insertionAuc).toBeCloseTo((p(0) + 2 * p(0) + 2 * p(2) + p(3)) / 6, 6);
    expect(result.summary.tokens).toBe(1);
    expect(result.summary.aopcComprehensiveness).toBeCloseTo((p(3) - p(1) + p(3) - p(0)) / 3, 6);
  });

  it("decoder-only: later steps also rank the generated prefix; a better ranking is more comprehensive", () => {
    // "a b" → generated "y y": step 1 explains the second y with prefix a b y
    const seq = (scores: number[]): SequenceAttributionData => ({
      source: ["a", "b"].map(tok),
      target: ["a", "b", "y", "y"].map(tok),
      sourceAttributions: null,
      targetAttributions: ndarray(scores, [4, 2]),
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 2,
      attrPosEnd: 4,
    });
    const nan = Number.NaN;
    const good = seq([0.7, 0.6, 0.3, 0.3, nan, 0.1, nan, nan]);
    const bad = seq([0.1, 0.2, 0.9, 0.1, nan, 0.8, nan, nan]);
    const [g, b] = [good, bad].map((d) => evaluateFaithfulness(decoder, new FeatureAttributionOutput({ sequenceAttributions: [d] }), { fractions: [0.3] }));
    expect(g.steps.map((s) => s.features)).toEqual([2, 3]);
    // good removes a first (z 3 → 1), bad removes b first (z 3 → 2) at step 0; step 1: good removes a, bad removes y
    close([g.steps[0].comprehensiveness[0], g.steps[1].comprehensiveness[0]], [p(3) - p(1), p(3) - p(1)]);
    close([b.steps[0].comprehensiveness[0], b.steps[1].comprehensiveness[0]], [p(3) - p(2), 0]);
    expect(g.summary.aopcComprehensiveness).toBeGreaterThan(b.summary.aopcComprehensiveness);
    expect(g.summary.deletionAuc).toBeLessThan(b.summary.deletionAuc);
  });

  it("encoder-decoder: perturbs source tokens, never the special </s>", () => {
    const data: SequenceAttributionData = {
      source: ["b", "a", "<eos>"].map(tok),
      target: ["<pad>", "y"].map(tok),
      sourceAttributions: ndarray([0.2, 0.5, 0.3], [3, 1]),
      targetAttributions: null,
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 1,
      attrPosEnd: 2,
    };
    const s = evaluateFaithfulness(encoderDecoder, new FeatureAttributionOutput({ sequenceAttributions: [data] }), { fractions: [0.5] }).steps[0];
    expect(s.features).toBe(2);
    close(s.deletionCurve, [p(3), p(1), p(0)]);
    close(s.insertionCurve, [p(0), p(2), p(3)]);
    close(s.comprehensiveness, [p(3) - p(1)]);
  });

  it("uses the baseline id it is given and rejects bad options", () => {
    const data: SequenceAttributionData = {
      source: ["a"].map(tok),
      target: ["a", "y"].map(tok),
      sourceAttributions: null,
      targetAttributions: ndarray([1, Number.NaN], [2, 1]),
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 1,
      attrPosEnd: 2,
    };
    const out = new FeatureAttributionOutput({ sequenceAttributions: [data] });
    // replacing a by b keeps half the evidence: z 2 → 1
    close(evaluateFaithfulness(decoder, out, { baselineId: tok("b").id, fractions: [1] }).steps[0].deletionCurve, [p(2), p(1)]);
    expect(() => evaluateFaithfulness(decoder, out, { fractions: [0] })).toThrow(/fractions/);
    expect(() => evaluateFaithfulness(decoder, out, { batchSize: 0 })).toThrow(/batchSize/);
  });
});
