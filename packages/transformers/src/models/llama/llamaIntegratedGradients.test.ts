import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw } from "@inseqjs/core";
import "@inseqjs/gradient";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../../loadTransformersModel.js";
import { applyChatTemplate } from "../../tokenizer/applyChatTemplate.js";
import type { ChatMessage } from "../../tokenizer/chatTemplateTypes.js";

const root = new URL("../../../../../", import.meta.url);
const MODELS = ["llama", "llama-dynamic", "smollm", "mistral", "qwen2", "qwen3", "gemma", "gemma2"] as const;
const modelDir = (name: string) => fileURLToPath(new URL(`test-data/models-arch/${name}`, root));

interface Step { probability: number; delta: number[]; target_attributions: number[][] }
interface IgCase {
  input_text: string;
  generated_text: string;
  messages: ChatMessage[] | null;
  answer: string | null;
  target_ids: number[];
  target_baseline_ids: number[];
  attr_pos_start: number;
  attr_pos_end: number;
  steps: Step[];
}
const igCase = (name: string): IgCase => JSON.parse(readFileSync(new URL(`test-data/expected-arch/${name}/integrated_gradients.json`, root), "utf8")).cases[0];

/** test-data/README.md: per step, |got − exp| ≤ atol + rtol · max|exp_step| (integrated gradients: 1e-4, 1e-3). */
function stepExcess(got: { data: Float32Array; shape: readonly number[] }, k: number, exp: number[][], atol = 1e-4, rtol = 1e-3): number {
  const [, nSteps, dim] = got.shape;
  const bound = atol + rtol * Math.max(...exp.flat().map(Math.abs));
  let worst = -Infinity;
  exp.forEach((r, j) => r.forEach((e, d) => {
    const g = got.data[(j * nSteps + k) * dim + d];
    worst = Math.max(worst, Number.isNaN(g) ? Infinity : Math.abs(g - e) - bound);
  }));
  return worst;
}

describe("integrated gradients on the Llama family equal the PyTorch reference (wasm)", () => {
  beforeAll(async () => { await useBackend("wasm"); });

  it.each(MODELS)("%s: ids, baselines, probabilities (1e-5), attributions (atol 1e-4, rtol 1e-3) and deltas (1e-4)", async (name) => {
    const model = await loadTransformersModel(modelDir(name));
    const c = igCase(name);
    // Chat cases go through the model's own chat template: prompt with the generation prompt, then the whole chat.
    const input = c.messages ? applyChatTemplate(model, c.messages, { addGenerationPrompt: true }) : c.input_text;
    const generated = c.messages ? applyChatTemplate(model, [...c.messages, { role: "assistant", content: c.answer! }]) : c.generated_text;
    const before = tf.memory().numTensors;
    const raw = await attributeRaw(model, input, { method: "integrated_gradients", generatedTexts: generated, stepScores: ["probability"], returnConvergenceDelta: true });
    expect(tf.memory().numTensors).toBe(before);
    const [seq, res] = [raw.sequences[0], raw.results[0]];
    expect(seq.targetIds).toEqual(c.target_ids);
    expect(seq.targetBaselineIds).toEqual(c.target_baseline_ids);
    expect([seq.attrPosStart, seq.attrPosEnd]).toEqual([c.attr_pos_start, c.attr_pos_end]);
    c.steps.forEach((step, k) => {
      // the fixtures are discriminating: attributions far above the absolute tolerance
      expect(Math.max(...step.target_attributions.flat().map(Math.abs))).toBeGreaterThan(1e-3);
      expect(Math.abs(res.stepScores.probability.data[k] - step.probability), `probability ${k}`).toBeLessThanOrEqual(1e-5);
      expect(stepExcess(res.target!, k, step.target_attributions), `step ${k}`).toBeLessThanOrEqual(0);
      expect(Math.abs(res.stepScores.deltas.data[k] - step.delta[0]), `delta ${k}`).toBeLessThanOrEqual(1e-4);
    });
    model.dispose();
  });

  it("a chat prompt batched with a shorter plain prompt gives the single-sequence attributions (1e-5)", async () => {
    const model = await loadTransformersModel(modelDir("gemma"));
    const chat = igCase("gemma");
    const plain = { input: "the capital of france is", generated: "the capital of france is paris ." };
    const options = { method: "integrated_gradients", nSteps: 8 };
    const batched = await attributeRaw(model, [chat.input_text, plain.input], { ...options, generatedTexts: [chat.generated_text, plain.generated] });
    const single = await attributeRaw(model, plain.input, { ...options, generatedTexts: plain.generated });
    const a = batched.results[1].target!;
    const b = single.results[0].target!;
    expect(a.shape).toEqual(b.shape);
    expect(Math.max(...Array.from(a.data, (v, i) => (Number.isNaN(v) && Number.isNaN(b.data[i]) ? 0 : Math.abs(v - b.data[i]))))).toBeLessThan(1e-5);
    model.dispose();
  });
});
