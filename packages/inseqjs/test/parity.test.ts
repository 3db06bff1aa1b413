import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, type AttributionModel } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { expected, modelPath, stepExcess, tolerance, type ExpectedCase, type ExpectedFile } from "./fixtures.js";

/** Reference file → method id and options (the exact arguments the Captum references were computed with). */
const CASES: { file: string; models: ("tiny-gpt2" | "tiny-marian")[]; options: (f: ExpectedFile, c: ExpectedCase) => Record<string, unknown> }[] = [
  { file: "saliency", models: ["tiny-gpt2", "tiny-marian"], options: () => ({}) },
  { file: "input_x_gradient", models: ["tiny-gpt2", "tiny-marian"], options: () => ({}) },
  { file: "integrated_gradients", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ returnConvergenceDelta: true }) },
  { file: "deeplift", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ returnConvergenceDelta: true }) },
  { file: "gradient_shap", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ seed: 42, returnConvergenceDelta: true }) },
  { file: "gradient_shap__fixed_alphas", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ alphas: [0.1, 0.3, 0.5, 0.7, 0.9], returnConvergenceDelta: true }) },
  { file: "sequential_integrated_gradients", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ returnConvergenceDelta: true }) },
  { file: "layer_integrated_gradients__intended", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ returnConvergenceDelta: true }) },
  { file: "layer_gradient_x_activation", models: ["tiny-gpt2", "tiny-marian"], options: () => ({}) },
  { file: "layer_deeplift__intended", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ returnConvergenceDelta: true }) },
  { file: "discretized_integrated_gradients", models: ["tiny-gpt2", "tiny-marian"], options: () => ({ cache: false }) },
  { file: "saliency__attribute_target", models: ["tiny-marian"], options: () => ({ attributeTarget: true }) },
  { file: "input_x_gradient__attribute_target", models: ["tiny-marian"], options: () => ({ attributeTarget: true }) },
  { file: "integrated_gradients__attribute_target", models: ["tiny-marian"], options: () => ({ attributeTarget: true, returnConvergenceDelta: true }) },
];

const methodOf = (file: string) => file.replace(/__.*$/, "");

describe.each(["tiny-gpt2", "tiny-marian"] as const)("Captum parity on %s", (modelName) => {
  let model: AttributionModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(modelPath(modelName));
  });

  for (const spec of CASES.filter((c) => c.models.includes(modelName))) {
    const ref = expected(modelName, spec.file);
    const tol = tolerance(spec.file);
    for (const c of ref.cases) {
      it(`${spec.file} / ${c.id}: ids, probabilities, raw step attributions and deltas`, async () => {
        const before = tf.memory().numTensors;
        const raw = await attributeRaw(model, c.input_text, {
          method: methodOf(spec.file),
          generatedTexts: c.generated_text,
          stepScores: ["probability"],
          ...spec.options(ref, c),
        });
        expect(tf.memory().numTensors).toBe(before);
        const seq = raw.sequences[0];
        const res = raw.results[0];
        expect(seq.targetIds).toEqual(c.target_ids);
        expect(seq.targetBaselineIds).toEqual(c.target_baseline_ids);
        if (c.source_ids) {
          expect(seq.sourceIds).toEqual(c.source_ids);
          expect(seq.sourceBaselineIds).toEqual(c.source_baseline_ids);
        }
        expect([seq.attrPosStart, seq.attrPosEnd]).toEqual([c.attr_pos_start, c.attr_pos_end]);
        c.steps.forEach((step, k) => {
          expect(Math.abs(res.stepScores.probability.data[k] - step.probability)).toBeLessThanOrEqual(1e-5);
          if (step.source_attributions) expect(stepExcess(res.source!, k, step.source_attributions, tol), `source step ${k}`).toBeLessThanOrEqual(0);
          if (step.target_attributions && (ref.args.attribute_target || !model.isEncoderDecoder)) {
            expect(stepExcess(res.target!, k, step.target_attributions, tol), `target step ${k}`).toBeLessThanOrEqual(0);
          }
          if (step.delta) {
            expect(res.stepScores.deltas, "the method must return convergence deltas").toBeDefined();
            const per = step.delta.length;
            const deltaTol = /integrated|gradient_shap|sequential|discretized/.test(spec.file) ? 1e-4 : 1e-3;
            for (let j = 0; j < per; j++) expect(Math.abs(res.stepScores.deltas.data[k * per + j] - step.delta[j])).toBeLessThanOrEqual(deltaTol);
          }
        });
      });
    }
  }
});
