import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, type AttributionModel } from "@inseqjs/core";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { expected, modelPath } from "./fixtures.js";

type ModelName = "tiny-gpt2" | "tiny-marian";

/** `forward.json`: per case, the logits of every decoder position (row j predicts token j + 1). */
interface ForwardCase {
  id: string;
  input_ids?: number[];
  decoder_input_ids?: number[];
  logits_from_ids: number[][];
}
const forwardCases = (name: ModelName): ForwardCase[] =>
  JSON.parse(readFileSync(new URL(`../../../test-data/expected/${name}/forward.json`, import.meta.url), "utf8")).cases;

/** Float64 log-softmax of a row. */
function logSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

/** Float64 nucleus size, as inseq's top_p_logits_mask: drop ascending tokens while the cumulative probability ≤ 1 − p. */
function nucleusSize(row: number[], topP: number): number {
  const probs = logSoftmax(row).map(Math.exp).sort((a, b) => a - b);
  let cumulative = 0;
  let removed = 0;
  for (const p of probs.slice(0, -1)) {
    cumulative += p;
    if (cumulative <= 1 - topP) removed++;
  }
  return row.length - removed;
}

/** Last-position logits of one forward on ids (or embeddings) of a single sequence. */
function logitsOf(model: AttributionModel, prefix: number[] | tf.Tensor3D, source?: number[]): number[] {
  return tf.tidy(() => {
    const target = Array.isArray(prefix) ? { ids: tf.tensor2d([prefix], [1, prefix.length], "int32") } : { embeds: prefix };
    const src = source ? { ids: tf.tensor2d([source], [1, source.length], "int32") } : undefined;
    return [...model.forward({ source: src, target }).logits.dataSync()];
  });
}
const probOf = (logits: number[], id: number) => Math.exp(logSoftmax(logits)[id]);

describe.each(["tiny-gpt2", "tiny-marian"] as const)("step functions on %s", (name) => {
  let model: AttributionModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(modelPath(name));
  });

  it("logit, probability, entropy, crossentropy, perplexity and top_p_size equal float64 values from forward.json", async () => {
    const ref = expected(name, "saliency");
    for (const fwd of forwardCases(name)) {
      const c = ref.cases.find((x) => x.id === fwd.id)!;
      expect(c.target_ids).toEqual(fwd.decoder_input_ids ?? fwd.input_ids);
      const before = tf.memory().numTensors;
      const raw = await attributeRaw(model, c.input_text, {
        method: "saliency",
        generatedTexts: c.generated_text,
        stepScores: ["logit", "probability", "entropy", "crossentropy", "perplexity", "top_p_size"],
        stepScoresArgs: { top_p: 0.9 },
      });
      expect(tf.memory().numTensors).toBe(before);
      const s = raw.results[0].stepScores;
      for (let t = c.attr_pos_start; t < c.attr_pos_end; t++) {
        const k = t - c.attr_pos_start;
        const logits = fwd.logits_from_ids[t - 1];
        const logp = logSoftmax(logits);
        const y = c.target_ids[t];
        const entropy = -logp.reduce((a, l) => a + Math.exp(l) * l, 0);
        expect(Math.abs(s.logit.data[k] - logits[y]), `logit step ${k}`).toBeLessThanOrEqual(1e-4);
        expect(Math.abs(s.probability.data[k] - Math.exp(logp[y])), `probability step ${k}`).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(s.entropy.data[k] - entropy), `entropy step ${k}`).toBeLessThanOrEqual(1e-4);
        expect(Math.abs(s.crossentropy.data[k] + logp[y]), `crossentropy step ${k}`).toBeLessThanOrEqual(2e-4);
        expect(Math.abs(s.perplexity.data[k] / 2 ** -logp[y] - 1), `perplexity step ${k}`).toBeLessThanOrEqual(2e-4);
        expect(s.top_p_size.data[k], `top_p_size step ${k}`).toBe(nucleusSize(logits, 0.9));
      }
    }
  });
});

describe("contrastive step functions on the tiny models", () => {
  let gpt2: AttributionModel;
  let marian: AttributionModel;
  beforeAll(async () => {
    await useBackend("wasm");
    gpt2 = await loadTransformersModel(modelPath("tiny-gpt2"));
    marian = await loadTransformersModel(modelPath("tiny-marian"));
  });

  const generated = "the quick brown fox jumps over the lazy dog";
  const contrast = "the quick brown fox sat on a lazy cat";

  it("tiny-gpt2: contrast_prob_diff = p(target) − p(contrast target) from two separate forwards", async () => {
    const raw = await attributeRaw(gpt2, "the quick brown fox", {
      method: "saliency",
      generatedTexts: generated,
      stepScores: ["contrast_prob_diff", "contrast_logits_diff", "pcxmi", "kl_divergence"],
      stepScoresArgs: { contrastTargets: contrast, topK: 20 },
    });
    const ids = gpt2.tokenizer.encode(generated);
    const cids = gpt2.tokenizer.encode(contrast);
    expect(cids.length).toBe(ids.length);
    const s = raw.results[0].stepScores;
    for (let t = 4; t < ids.length; t++) {
      const k = t - 4;
      const L = logitsOf(gpt2, ids.slice(0, t));
      const C = logitsOf(gpt2, cids.slice(0, t));
      const p = probOf(L, ids[t]);
      const q = probOf(C, cids[t]);
      expect(Math.abs(s.contrast_prob_diff.data[k] - (p - q)), `step ${k}`).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(s.contrast_logits_diff.data[k] - (L[ids[t]] - C[cids[t]]))).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(s.pcxmi.data[k] + Math.log2(p / q))).toBeLessThanOrEqual(1e-3);
      // top-20 of the summed logits, both distributions renormalised over them
      const merged = L.map((v, j) => v + C[j]);
      const threshold = [...merged].sort((a, b) => b - a)[19];
      const keep = merged.map((v) => v >= threshold);
      const lp = logSoftmax(L.filter((_, j) => keep[j]));
      const lq = logSoftmax(C.filter((_, j) => keep[j]));
      const kl = lp.reduce((a, l, j) => a + Math.exp(l) * (l - lq[j]), 0);
      expect(Math.abs(s.kl_divergence.data[k] - kl), `kl step ${k}`).toBeLessThanOrEqual(1e-4);
    }
  });

  it("tiny-gpt2: integrated_gradients of contrast_prob_diff sums to f(x) − f(baseline) from the original forward", async () => {
    const before = tf.memory().numTensors;
    const raw = await attributeRaw(gpt2, "the quick brown fox", {
      method: "integrated_gradients",
      generatedTexts: generated,
      attributedFn: "contrast_prob_diff",
      contrastTargets: contrast,
      returnConvergenceDelta: true,
    });
    expect(tf.memory().numTensors).toBe(before);
    const { targetIds, targetBaselineIds } = raw.sequences[0];
    const cids = gpt2.tokenizer.encode(contrast);
    const res = raw.results[0];
    const [len, nSteps, dim] = res.target!.shape;
    for (let t = 4; t < targetIds.length; t++) {
      const k = t - 4;
      const f = (ids: number[]) => {
        const L = tf.tidy(() => logitsOf(gpt2, gpt2.embed(tf.tensor2d([ids.slice(0, t)], [1, t], "int32"))));
        return probOf(L, targetIds[t]) - probOf(L, cids[t]);
      };
      let total = 0;
      for (let j = 0; j < len; j++) for (let d = 0; d < dim; d++) total += Number.isNaN(res.target!.data[(j * nSteps + k) * dim + d]) ? 0 : res.target!.data[(j * nSteps + k) * dim + d];
      const expectedDiff = f(targetIds) - f(targetBaselineIds);
      expect(Math.abs(total - expectedDiff), `step ${k}: Σ attributions ${total} vs f(x) − f(b) ${expectedDiff}`).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(res.stepScores.deltas.data[k])).toBeLessThan(1e-4);
    }
  });

  it("tiny-marian: contrastSources (pcxmi) and contrastTargets (contrast_prob) against separate forwards", async () => {
    const c = expected("tiny-marian", "saliency").cases[0];
    const contrastSource = "the dog sat on the mat";
    const contrastTarget = "le chien est assis sur le tapis";
    const raw = await attributeRaw(marian, c.input_text, {
      method: "saliency",
      generatedTexts: c.generated_text,
      stepScores: ["pcxmi", "contrast_prob"],
      stepScoresArgs: { contrastSources: contrastSource },
    });
    const withTargets = await attributeRaw(marian, c.input_text, {
      method: "saliency",
      generatedTexts: c.generated_text,
      stepScores: ["contrast_prob"],
      contrastTargets: contrastTarget,
    });
    const src = c.source_ids!;
    const csrc = marian.tokenizer.encode(contrastSource);
    const ids = c.target_ids;
    const cids = [marian.specialTokens.decoderStart!, ...marian.tokenizer.encode(contrastTarget)];
    expect(cids.length).toBe(ids.length);
    for (let t = 1; t < ids.length; t++) {
      const p = probOf(logitsOf(marian, ids.slice(0, t), src), ids[t]);
      const q = probOf(logitsOf(marian, ids.slice(0, t), csrc), ids[t]);
      expect(Math.abs(raw.results[0].stepScores.pcxmi.data[t - 1] + Math.log2(p / q)), `pcxmi step ${t - 1}`).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(raw.results[0].stepScores.contrast_prob.data[t - 1] - q)).toBeLessThanOrEqual(1e-6);
      const qt = probOf(logitsOf(marian, cids.slice(0, t), src), cids[t]);
      expect(Math.abs(withTargets.results[0].stepScores.contrast_prob.data[t - 1] - qt), `contrast target step ${t - 1}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it("tiny-marian: integrated_gradients of contrast_prob_diff converges, also through the contrast forward (contrastForceInputs)", async () => {
    const c = expected("tiny-marian", "integrated_gradients").cases[0];
    for (const force of [false, true]) {
      const before = tf.memory().numTensors;
      const raw = await attributeRaw(marian, c.input_text, {
        method: "integrated_gradients",
        generatedTexts: c.generated_text,
        attributedFn: "contrast_prob_diff",
        attributedFnArgs: { contrast_targets: "le chien est assis sur le tapis", contrast_force_inputs: force },
        returnConvergenceDelta: true,
        internalBatchSize: 20,
      });
      expect(tf.memory().numTensors).toBe(before);
      // with forced inputs the contrast forward shares the attributed source: completeness holds only if its gradient is included
      for (const d of raw.results[0].stepScores.deltas.data) expect(Math.abs(d), `force ${force}`).toBeLessThan(1e-4);
    }
  });
});
