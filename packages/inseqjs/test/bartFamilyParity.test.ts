import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, type AttributionModel } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { stepExcess, type ExpectedCase } from "./fixtures.js";

/** `test-data/expected-arch/<type>/integrated_gradients.json`: our PyTorch reference (tooling/arch-fixtures). */
interface ArchExpected {
  load_options: { tgtLang?: string };
  cases: ExpectedCase[];
}
const expectedArch = (type: string): ArchExpected =>
  JSON.parse(readFileSync(new URL(`../../../test-data/expected-arch/${type}/integrated_gradients.json`, import.meta.url), "utf8"));

describe.each(["bart", "mbart", "m2m_100"] as const)("integrated gradients on tiny %s, end to end (forced BOS prefix)", (type) => {
  const ref = expectedArch(type);
  let model: AttributionModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(fileURLToPath(new URL(`../../../test-data/models-arch/${type}/`, import.meta.url)), ref.load_options);
  });

  for (const c of ref.cases) {
    it(`${c.id}: ids, prefix, probabilities (1e-5), source attributions (atol 1e-4 + rtol 1e-3) and deltas`, async () => {
      const before = tf.memory().numTensors;
      const raw = await attributeRaw(model, c.input_text, { method: "integrated_gradients", generatedTexts: c.generated_text, stepScores: ["probability"], returnConvergenceDelta: true });
      expect(tf.memory().numTensors).toBe(before);
      const [seq] = raw.sequences;
      const [res] = raw.results;
      expect([seq.sourceIds, seq.sourceBaselineIds, seq.targetIds, seq.targetBaselineIds]).toEqual([c.source_ids, c.source_baseline_ids, c.target_ids, c.target_baseline_ids]);
      expect([seq.attrPosStart, seq.attrPosEnd]).toEqual([c.attr_pos_start, c.attr_pos_end]);
      c.steps.forEach((step, k) => {
        expect(Math.abs(res.stepScores.probability.data[k] - step.probability)).toBeLessThanOrEqual(1e-5);
        expect(stepExcess(res.source!, k, step.source_attributions!, { atol: 1e-4, rtol: 1e-3 }), `source step ${k}`).toBeLessThanOrEqual(0);
        expect(Math.abs(res.stepScores.deltas.data[k] - step.delta![0])).toBeLessThanOrEqual(1e-4);
      });
    });
  }

  it("a batch of both cases equals each case alone", async () => {
    const texts = ref.cases.map((c) => c.input_text);
    const generated = ref.cases.map((c) => c.generated_text);
    const batched = await attributeRaw(model, texts, { method: "integrated_gradients", generatedTexts: generated, stepScores: ["probability"] });
    for (let i = 0; i < texts.length; i++) {
      const alone = await attributeRaw(model, texts[i], { method: "integrated_gradients", generatedTexts: generated[i], stepScores: ["probability"] });
      const a = batched.results[i].source!;
      const b = alone.results[0].source!;
      expect(a.shape).toEqual(b.shape);
      expect(Math.max(...a.data.map((v, j) => Math.abs(v - b.data[j])))).toBeLessThan(1e-6);
    }
  });
});
