import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, buildAttributionOutput, mergeAttributions, type AttributeOptions, type AttributionModel, type FeatureAttributionOutput } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { expected, modelPath } from "./fixtures.js";

async function attribute(model: AttributionModel, input: string | string[], options: AttributeOptions): Promise<FeatureAttributionOutput> {
  return buildAttributionOutput(model, await attributeRaw(model, input, options), options);
}

/** `(rows, nSteps)` data as nested rows. */
const rowsOf = (a: { data: Float32Array; shape: readonly number[] }) => Array.from({ length: a.shape[0] }, (_, i) => [...a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])]);

/** Reference absmax (first of equal magnitudes; NaN if any NaN), independent of the library's. */
const absmax = (v: number[]) => (v.some(Number.isNaN) ? NaN : v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best)));

function expectRows(got: number[][], want: number[][], atol = 1e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    expect(row.length).toBe(want[i].length);
    row.forEach((v, j) => (Number.isNaN(want[i][j]) ? expect(Number.isNaN(v), `[${i}][${j}]`).toBe(true) : expect(Math.abs(v - want[i][j]), `[${i}][${j}]`).toBeLessThanOrEqual(atol)));
  });
}

describe("aggregators on real attributions", () => {
  let gpt2: AttributionModel;
  let marian: AttributionModel;
  const options: AttributeOptions = { method: "integrated_gradients", stepScores: ["probability", "entropy"], nSteps: 8 };
  beforeAll(async () => {
    await useBackend("wasm");
    gpt2 = await loadTransformersModel(modelPath("tiny-gpt2"));
    marian = await loadTransformersModel(modelPath("tiny-marian"));
  });

  it("tiny-gpt2: spans over the default aggregation equal a hand-written absmax / prod / sum merge", async () => {
    const c = expected("tiny-gpt2", "integrated_gradients").cases[0];
    const out = await attribute(gpt2, c.input_text, { ...options, generatedTexts: c.generated_text });
    const seq = out.sequenceAttributions[0];
    // words are whole tokens here (WordLevel vocabulary): subwords changes nothing
    const words = seq.aggregate(["subwords", "scores"]);
    expect([...words.targetAttributions!.data]).toEqual([...seq.aggregate().targetAttributions!.data]);
    expect(words.target).toEqual(seq.target);

    const base = rowsOf(seq.aggregate().targetAttributions!); // 9 tokens × 5 steps (tokens 4..8)
    const merged = seq.aggregate(["scores", "spans"], { targetSpans: [[1, 3], [5, 7]] });
    // columns: generated tokens 5, 6 → steps 1, 2 merged; rows: [1, 3) and [5, 7)
    const cols = base.map((r) => [r[0], absmax([r[1], r[2]]), r[3], r[4]]);
    const want = [cols[0], cols[1].map((_, k) => absmax([cols[1][k], cols[2][k]])), cols[3], cols[4], cols[5].map((_, k) => absmax([cols[5][k], cols[6][k]])), cols[7], cols[8]];
    expectRows(rowsOf(merged.targetAttributions!), want);
    expect(merged.target.map((t) => t.token)).toEqual(["the", "quickbrown", "fox", "jumps", "overthe", "lazy", "dog"]);
    expect([merged.attrPosStart, merged.attrPosEnd]).toEqual([3, 7]);
    const p = [...seq.stepScores.probability.data];
    const h = [...seq.stepScores.entropy.data];
    expectRows([[...merged.stepScores.probability.data]], [[p[0], p[1] * p[2], p[3], p[4]]], 1e-7);
    expectRows([[...merged.stepScores.entropy.data]], [[h[0], h[1] + h[2], h[3], h[4]]], 1e-5);
  });

  it("tiny-gpt2: slices, pair, weightAttributions and merge on real outputs", async () => {
    const cases = expected("tiny-gpt2", "integrated_gradients").cases;
    const [a, b] = await Promise.all(cases.map((c) => attribute(gpt2, c.input_text, { ...options, generatedTexts: c.generated_text })));
    const aggregated = a.aggregate();
    const sliced = aggregated.aggregate("slices", { targetSpans: [[2, 4]] });
    expect(sliced.sequenceAttributions[0].target.map((t) => t.token)).toEqual(["brown", "fox", "jumps", "over", "the", "lazy", "dog"]);
    expectRows(rowsOf(sliced.sequenceAttributions[0].targetAttributions!), rowsOf(aggregated.sequenceAttributions[0].targetAttributions!).slice(2));

    const zero = aggregated.aggregate("pair", { pairedAttr: aggregated });
    for (const v of zero.sequenceAttributions[0].targetAttributions!.data) expect(Number.isNaN(v) || v === 0).toBe(true);

    const weighted = a.weightAttributions("probability").sequenceAttributions[0];
    const p = [...a.sequenceAttributions[0].stepScores.probability.data];
    expectRows(rowsOf(weighted.targetAttributions!), rowsOf(aggregated.sequenceAttributions[0].targetAttributions!).map((r) => r.map((v, k) => v * p[k])));

    const merged = a.merge(b);
    const batched = await attribute(gpt2, cases.map((c) => c.input_text), { ...options, generatedTexts: cases.map((c) => c.generated_text) });
    expect(merged.info.inputTexts).toEqual(batched.info.inputTexts);
    expect(mergeAttributions([a, b]).length).toBe(2);
    merged.sequenceAttributions.forEach((s, i) => {
      const got = s.aggregate().targetAttributions!.data;
      const want = batched.sequenceAttributions[i].aggregate().targetAttributions!.data;
      got.forEach((v, j) => (Number.isNaN(want[j]) ? expect(Number.isNaN(v)).toBe(true) : expect(Math.abs(v - want[j])).toBeLessThan(1e-5)));
    });
    const saliency = await attribute(gpt2, cases[0].input_text, { method: "saliency", stepScores: ["probability", "entropy"], generatedTexts: cases[0].generated_text });
    expect(() => a.merge(saliency)).toThrow(/info.attributionMethod differs/);
  });

  it("tiny-marian: source spans merge rows only; step scores and columns are kept", async () => {
    const c = expected("tiny-marian", "integrated_gradients").cases[0];
    const before = tf.memory().numTensors;
    const out = await attribute(marian, c.input_text, { ...options, generatedTexts: c.generated_text });
    expect(tf.memory().numTensors).toBe(before);
    const seq = out.sequenceAttributions[0];
    const base = rowsOf(seq.aggregate().sourceAttributions!);
    const merged = seq.aggregate(["scores", "spans"], { sourceSpans: [0, 3] });
    expect(merged.source!.map((t) => t.token)).toEqual([seq.source!.slice(0, 3).map((t) => t.token).join(""), ...seq.source!.slice(3).map((t) => t.token)]);
    expectRows(rowsOf(merged.sourceAttributions!), [base[0].map((_, k) => absmax([base[0][k], base[1][k], base[2][k]])), ...base.slice(3)]);
    expect([...merged.stepScores.probability.data]).toEqual([...seq.stepScores.probability.data]);
    expect(seq.aggregate("subwords").source).toEqual(seq.source);
  });
});
