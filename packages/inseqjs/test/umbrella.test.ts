import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadFromFile, loadModel, saveToFile, type InseqModel } from "../src/index.js";
import { expected, modelPath } from "./fixtures.js";

function expectMatrixClose(got: ArrayLike<number>, exp: (number | null)[][], atol: number): void {
  const flat = exp.flat();
  expect(got.length).toBe(flat.length);
  flat.forEach((e, i) => {
    if (e === null) expect(Number.isNaN(got[i]), `cell ${i} should be NaN`).toBe(true);
    else expect(Math.abs(got[i] - e), `cell ${i}`).toBeLessThanOrEqual(atol);
  });
}

describe("inseqjs umbrella: loadModel + attribute", () => {
  let gpt2: InseqModel;
  let marian: InseqModel;
  beforeAll(async () => {
    gpt2 = await loadModel(modelPath("tiny-gpt2"), "integrated_gradients", { backend: "wasm" });
    marian = await loadModel(modelPath("tiny-marian"), "integrated_gradients", { backend: "wasm" });
  });

  it.each([
    ["tiny-gpt2", "integrated_gradients", {}],
    ["tiny-marian", "integrated_gradients", {}],
    ["tiny-marian", "integrated_gradients__attribute_target", { attributeTarget: true }],
    ["tiny-gpt2", "saliency", { method: "saliency" }],
  ] as const)("%s %s: aggregated scores equal inseq's default aggregation of the Captum reference", async (name, file, options) => {
    const model = name === "tiny-gpt2" ? gpt2 : marian;
    const ref = expected(name, file);
    for (const c of ref.cases) {
      const before = tf.memory().numTensors;
      const out = await model.attribute(c.input_text, { generatedTexts: c.generated_text, stepScores: ["probability"], ...options });
      expect(tf.memory().numTensors).toBe(before);
      const seq = out.aggregate().sequenceAttributions[0];
      if (c.sequence.source_attributions_aggregated) expectMatrixClose(seq.sourceAttributions!.data, c.sequence.source_attributions_aggregated, 1e-4);
      else expect(seq.sourceAttributions).toBeNull();
      if (c.sequence.target_attributions_aggregated) expectMatrixClose(seq.targetAttributions!.data, c.sequence.target_attributions_aggregated, 1e-4);
      c.sequence.step_scores.probability.forEach((p, k) => expect(Math.abs(seq.stepScores.probability.data[k] - p)).toBeLessThanOrEqual(1e-5));
    }
  });

  it("IG completeness at 50 steps: |delta| < 1e-4 on every step", async () => {
    for (const [model, name] of [[gpt2, "tiny-gpt2"], [marian, "tiny-marian"]] as const) {
      for (const c of expected(name, "integrated_gradients").cases) {
        const out = await model.attribute(c.input_text, { generatedTexts: c.generated_text, returnConvergenceDelta: true });
        for (const d of out.sequenceAttributions[0].stepScores.deltas.data) expect(Math.abs(d)).toBeLessThan(1e-4);
      }
    }
  });

  it("a batch of texts of different lengths equals single runs within 1e-5", async () => {
    const texts = ["the quick brown fox", "the cat sat on"];
    const gens = ["the quick brown fox jumps over the lazy dog", "the cat sat on ? who many again who"];
    const batched = await gpt2.attribute(texts, { generatedTexts: gens, stepScores: ["probability"], internalBatchSize: 17 });
    for (let i = 0; i < texts.length; i++) {
      const single = await gpt2.attribute(texts[i], { generatedTexts: gens[i], stepScores: ["probability"] });
      const a = batched.sequenceAttributions[i].targetAttributions!.data;
      const b = single.sequenceAttributions[0].targetAttributions!.data;
      expect(a.length).toBe(b.length);
      for (let j = 0; j < b.length; j++) {
        if (Number.isNaN(b[j])) expect(Number.isNaN(a[j])).toBe(true);
        else expect(Math.abs(a[j] - b[j])).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it("save writes inseq's layout that load reads back exactly", async () => {
    const c = expected("tiny-gpt2", "integrated_gradients").cases[1];
    const out = await gpt2.attribute(c.input_text, { generatedTexts: c.generated_text, stepScores: ["probability"], returnConvergenceDelta: true });
    const file = join(mkdtempSync(join(tmpdir(), "inseqjs-")), "out.json");
    await saveToFile(out, file);
    const back = await loadFromFile(file);
    const [a, b] = [out.sequenceAttributions[0], back.sequenceAttributions[0]];
    expect(b.targetAttributions!.shape).toEqual([9, 5, 32]);
    expect(Buffer.from(b.targetAttributions!.data.buffer).equals(Buffer.from(a.targetAttributions!.data.buffer))).toBe(true);
    expect(back.info.attributionMethod).toBe("integrated_gradients");
    expect(b.source!.map((t) => t.token)).toEqual(["the", "cat", "sat", "on"]);
    expect(Object.keys(b.stepScores).sort()).toEqual(["deltas", "probability"]);
  });

  it("generates greedily when no generated text is given", async () => {
    const out = await gpt2.attribute("the cat sat on", { method: "saliency", generationArgs: { maxNewTokens: 4 } });
    const seq = out.sequenceAttributions[0];
    expect(seq.target.length).toBe(8);
    expect(out.info.generatedTexts[0].startsWith("the cat sat on")).toBe(true);
  });

  it("layer IG at transformer.h.0: completeness and per-position attributions of the layer's hidden size", async () => {
    const c = expected("tiny-gpt2", "integrated_gradients").cases[0];
    const out = await gpt2.attribute(c.input_text, {
      method: "layer_integrated_gradients",
      generatedTexts: c.generated_text,
      targetLayer: "transformer.h.0",
      returnConvergenceDelta: true,
    });
    const seq = out.sequenceAttributions[0];
    expect(seq.targetAttributions!.shape).toEqual([9, 5, 32]);
    for (const d of seq.stepScores.deltas.data) expect(Math.abs(d)).toBeLessThan(1e-3);
    const agg = out.aggregate().sequenceAttributions[0].targetAttributions!;
    expect(agg.shape).toEqual([9, 5]);
  });

  it("unknown methods and layers are rejected with the valid names", async () => {
    await expect(loadModel(modelPath("tiny-gpt2"), "integrated_gradient")).rejects.toThrow(/integrated_gradients/);
    await expect(gpt2.attribute("the cat", { method: "layer_integrated_gradients", generatedTexts: "the cat sat", targetLayer: "transformer.h.9" })).rejects.toThrow(/transformer\.h\.[01]/);
  });
});
