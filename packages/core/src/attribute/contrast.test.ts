import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { isInseqError } from "../errors.js";
import type { AttributionMethod, AttributionStepInputs, StepAttribution } from "../method.js";
import type { AttributionModel } from "../model.js";
import { createToyModel } from "../testing/index.js";
import { attributeRaw } from "./attribute.js";
import { buildAttributionOutput } from "./buildAttributionOutput.js";
import { fillAlignments } from "./prepareContrast.js";

/** x · ∂f/∂x on every attributed side, deltas = Σ ∂f/∂x over the source (or target). */
const gradXInput: AttributionMethod<Record<string, never>> = {
  methodName: "test_contrast_grad_x_input",
  usesBaselines: false,
  attributesIds: false,
  resolveOptions: () => ({}),
  attributeStep(step: AttributionStepInputs): StepAttribution {
    if (!step.source) {
      const g = tf.grad((x: tf.Tensor) => tf.sum(step.forward({ targetEmbeds: x as tf.Tensor3D }).scores))(step.target.embeds);
      return { target: tf.mul(g, step.target.embeds) as tf.Tensor3D };
    }
    const g = tf.grad((x: tf.Tensor) => tf.sum(step.forward({ sourceEmbeds: x as tf.Tensor3D }).scores))(step.source.embeds);
    return { source: tf.mul(g, step.source.embeds) as tf.Tensor3D };
  },
};

const vocab = "the a cat dog sat on mat ran far away".split(" ");

/** Last-position logits of one unpadded forward on ids. */
function nextLogits(model: AttributionModel, prefix: number[], source?: number[]): number[] {
  return tf.tidy(() => {
    const out = model.forward({
      source: source ? { ids: tf.tensor2d([source], [1, source.length], "int32") } : undefined,
      target: { ids: tf.tensor2d([prefix], [1, prefix.length], "int32") },
    });
    return [...out.logits.dataSync()];
  });
}

/** Next-token probabilities (float64 softmax of {@link nextLogits}). */
function nextProbs(model: AttributionModel, prefix: number[], source?: number[]): number[] {
  const logits = nextLogits(model, prefix, source);
  const m = Math.max(...logits);
  const z = logits.reduce((a, v) => a + Math.exp(v - m), 0);
  return logits.map((v) => Math.exp(v - m) / z);
}

/** `(len, nSteps, dim)` raw result column k as `[len][dim]` rows (NaN rows dropped). */
function column(res: { data: Float32Array; shape: [number, number, number] }, k: number): number[][] {
  const [len, nSteps, dim] = res.shape;
  const rows: number[][] = [];
  for (let j = 0; j < len; j++) {
    const row = [...res.data.subarray((j * nSteps + k) * dim, (j * nSteps + k + 1) * dim)];
    if (!Number.isNaN(row[0])) rows.push(row);
  }
  return rows;
}

const maxDiff = (a: number[][], b: number[][]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));
};

describe("contrastive step functions in the step loop", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("decoder-only step scores equal two separate forwards (1:1 alignment)", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 7 });
    const before = tf.memory().numTensors;
    const gen = "the cat sat on the mat";
    const contrast = "the dog sat on a mat";
    const raw = await attributeRaw(model, "the cat", {
      method: gradXInput,
      generatedTexts: gen,
      stepScores: ["probability", "contrast_prob", "contrast_prob_diff", "contrast_logits_diff", "pcxmi", "in_context_pvi", "kl_divergence"],
      contrastTargets: contrast,
    });
    expect(tf.memory().numTensors).toBe(before);
    const ids = model.tokenizer.encode(gen);
    const cids = model.tokenizer.encode(contrast);
    const s = raw.results[0].stepScores;
    for (let k = 0; k < 4; k++) {
      const t = 2 + k;
      const P = nextProbs(model, ids.slice(0, t));
      const Q = nextProbs(model, cids.slice(0, t));
      const p = P[ids[t]];
      const q = Q[cids[t]];
      expect(Math.abs(s.probability.data[k] - p)).toBeLessThan(1e-6);
      expect(Math.abs(s.contrast_prob.data[k] - q)).toBeLessThan(1e-6);
      expect(Math.abs(s.contrast_prob_diff.data[k] - (p - q))).toBeLessThan(1e-6);
      expect(Math.abs(s.contrast_logits_diff.data[k] - (nextLogits(model, ids.slice(0, t))[ids[t]] - nextLogits(model, cids.slice(0, t))[cids[t]]))).toBeLessThan(1e-5);
      expect(Math.abs(s.pcxmi.data[k] + Math.log2(p / q))).toBeLessThan(1e-4);
      expect(Math.abs(s.in_context_pvi.data[k] - (Math.log(q) - Math.log(p)))).toBeLessThan(1e-4);
      const kl = P.reduce((a, v, j) => a + v * (Math.log(v) - Math.log(Q[j])), 0);
      expect(Math.abs(s.kl_divergence.data[k] - kl)).toBeLessThan(1e-4);
    }
    const out = buildAttributionOutput(model, raw, { method: gradXInput, contrastTargets: contrast });
    expect(out.info.stepScoresArgs).toMatchObject({ contrast_targets: contrast });
    model.dispose();
  });

  it("explicit alignments pick the aligned contrast prefix and token; unaligned positions go 1:1", async () => {
    expect(fillAlignments([[2, 3], [3, 4], [2, 5]], 5)).toEqual([0, 1, 3, 4, 4]);
    expect(fillAlignments([[1, 0], [0, 0]], 3)).toEqual([0, 0, 2]);
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 8 });
    const gen = "the cat sat on the mat";
    const contrast = "the cat far sat on the mat";
    const alignments = [[2, 3], [3, 4], [4, 5], [5, 6]] as const;
    const raw = await attributeRaw(model, "the cat", {
      method: gradXInput,
      generatedTexts: gen,
      stepScores: ["contrast_prob"],
      stepScoresArgs: { contrast_targets: contrast, contrast_targets_alignments: alignments },
    });
    const cids = model.tokenizer.encode(contrast);
    for (let k = 0; k < 4; k++) {
      const a = 3 + k;
      expect(Math.abs(raw.results[0].stepScores.contrast_prob.data[k] - nextProbs(model, cids.slice(0, a))[cids[a]])).toBeLessThan(1e-6);
    }
    model.dispose();
  });

  it("encoder-decoder: contrastSources score the same target with another source", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 9, encoderDecoder: true, embedScale: 2 });
    const raw = await attributeRaw(model, "the cat sat", {
      method: gradXInput,
      generatedTexts: "cat sat",
      stepScores: ["pcxmi", "contrast_prob_diff"],
      contrastSources: "a dog ran far",
    });
    const src = model.tokenizer.encode("the cat sat");
    const csrc = model.tokenizer.encode("a dog ran far");
    const ids = raw.sequences[0].targetIds;
    for (let t = 1; t < ids.length; t++) {
      const p = nextProbs(model, ids.slice(0, t), src)[ids[t]];
      const q = nextProbs(model, ids.slice(0, t), csrc)[ids[t]];
      expect(Math.abs(raw.results[0].stepScores.pcxmi.data[t - 1] + Math.log2(p / q))).toBeLessThan(1e-4);
      expect(Math.abs(raw.results[0].stepScores.contrast_prob_diff.data[t - 1] - (p - q))).toBeLessThan(1e-6);
    }
    model.dispose();
  });

  it("attributed contrast_prob_diff: gradients of p(y) − p(y') through the original forward (inseq's default)", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 10 });
    const gen = "the cat sat on the mat";
    const contrast = "the dog ran on a far";
    const before = tf.memory().numTensors;
    const raw = await attributeRaw(model, "the cat", { method: gradXInput, generatedTexts: gen, attributedFn: "contrast_prob_diff", contrastTargets: contrast });
    expect(tf.memory().numTensors).toBe(before);
    const ids = model.tokenizer.encode(gen);
    const cids = model.tokenizer.encode(contrast);
    for (let k = 0; k < 4; k++) {
      const t = 2 + k;
      const expected = tf.tidy(() => {
        const e = model.embed(tf.tensor2d([ids.slice(0, t)], [1, t], "int32"));
        const f = (x: tf.Tensor) => {
          const probs = tf.softmax(model.forward({ target: { embeds: x as tf.Tensor3D } }).logits);
          return tf.sub(tf.slice(probs, [0, ids[t]], [1, 1]), tf.slice(probs, [0, cids[t]], [1, 1])).sum();
        };
        return tf.mul(tf.grad(f)(e), e).arraySync() as number[][][];
      });
      expect(maxDiff(column(raw.results[0].target!, k), expected[0])).toBeLessThan(1e-5);
    }
    // with contrastForceInputs the contrast forward runs on the contrast ids: no gradient, attributions = probability's
    const forced = await attributeRaw(model, "the cat", {
      method: gradXInput, generatedTexts: gen, attributedFn: "contrast_prob_diff", attributedFnArgs: { contrastTargets: contrast, contrastForceInputs: true },
    });
    const plain = await attributeRaw(model, "the cat", { method: gradXInput, generatedTexts: gen });
    const a = forced.results[0].target!.data;
    const b = plain.results[0].target!.data;
    for (let j = 0; j < a.length; j++) {
      if (Number.isNaN(b[j])) expect(Number.isNaN(a[j])).toBe(true);
      else expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-6);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("encoder-decoder with contrastForceInputs: the contrast forward shares the attributed source", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 11, encoderDecoder: true });
    const raw = await attributeRaw(model, "the cat sat", {
      method: gradXInput,
      generatedTexts: "cat sat",
      attributedFn: "contrast_prob_diff",
      attributedFnArgs: { contrastTargets: "dog ran", contrastForceInputs: true },
    });
    const src = model.tokenizer.encode("the cat sat");
    const ids = raw.sequences[0].targetIds;
    const cids = [model.specialTokens.decoderStart!, ...model.tokenizer.encode("dog ran")];
    for (let t = 1; t < ids.length; t++) {
      const expected = tf.tidy(() => {
        const e = model.embed(tf.tensor2d([src], [1, src.length], "int32"), "source");
        const prob = (x: tf.Tensor, prefix: number[], token: number) => {
          const logits = model.forward({ source: { embeds: x as tf.Tensor3D }, target: { ids: tf.tensor2d([prefix], [1, prefix.length], "int32") } }).logits;
          return tf.slice(tf.softmax(logits), [0, token], [1, 1]).sum();
        };
        const f = (x: tf.Tensor) => tf.sub(prob(x, ids.slice(0, t), ids[t]), prob(x, cids.slice(0, t), cids[t]));
        return tf.mul(tf.grad(f)(e), e).arraySync() as number[][][];
      });
      expect(maxDiff(column(raw.results[0].source!, t - 1), expected[0])).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it("a batch with contrasts of different lengths equals single runs", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 12 });
    const texts = ["the cat", "a dog ran"];
    const gens = ["the cat sat on the mat", "a dog ran far away"];
    const contrasts = ["the dog sat on a mat", "a cat ran far on"];
    const options = { method: gradXInput, stepScores: ["contrast_prob_diff"], attributedFn: "contrast_logits_diff" };
    const batched = await attributeRaw(model, texts, { ...options, generatedTexts: gens, contrastTargets: contrasts });
    for (let i = 0; i < 2; i++) {
      const single = await attributeRaw(model, texts[i], { ...options, generatedTexts: gens[i], contrastTargets: contrasts[i] });
      const a = batched.results[i];
      const b = single.results[0];
      [...b.stepScores.contrast_prob_diff.data].forEach((v, k) => expect(Math.abs(a.stepScores.contrast_prob_diff.data[k] - v)).toBeLessThan(1e-6));
      b.target!.data.forEach((v, j) => (Number.isNaN(v) ? expect(Number.isNaN(a.target!.data[j])).toBe(true) : expect(Math.abs(a.target!.data[j] - v)).toBeLessThan(1e-5)));
    }
    model.dispose();
  });

  it("bad contrast options fail with typed errors and leak nothing", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 13 });
    const encDec = createToyModel({ vocab, hiddenSize: 8, seed: 13, encoderDecoder: true });
    const before = tf.memory().numTensors;
    const base = { method: gradXInput, generatedTexts: "the cat sat on" };
    const cases: [Promise<unknown>, string, RegExp][] = [
      [attributeRaw(model, "the", { ...base, stepScores: ["contrast_prob_diff"] }), "INVALID_OPTION", /needs|compares against contrast inputs/],
      [attributeRaw(model, "the", { ...base, attributedFn: "pcxmi" }), "INVALID_OPTION", /attributedFnArgs/],
      [attributeRaw(model, "the", { ...base, contrastSources: "a dog" }), "INVALID_OPTION", /decoder-only/],
      [attributeRaw(model, "the", { ...base, contrastTargets: ["the dog", "a cat"] }), "BATCH_MISMATCH", /one per input/],
      [attributeRaw(model, "the", { ...base, stepScores: ["contrast_prob"], contrastTargets: "the dog" }), "INVALID_OPTION", /contrast target has 2 tokens/],
      [attributeRaw(model, "the", { ...base, attributedFn: "kl_divergence", contrastTargets: "the dog sat on" }), "INVALID_OPTION", /contrastForceInputs: true/],
      [attributeRaw(model, "the", { ...base, contrastTargets: "the dog sat on", contrastTargetsAlignments: [[0, -1]] }), "INVALID_OPTION", /pairs of non-negative integers/],
      [attributeRaw(model, "the", { ...base, contrastTargetsAlignments: [[0, 1]] }), "INVALID_OPTION", /without contrastTargets/],
      [attributeRaw(encDec, "the cat", { method: gradXInput, generatedTexts: "cat", contrastSources: "" }), "EMPTY_INPUT", /contrastSources\[0\] is empty/],
    ];
    for (const [p, code, pattern] of cases) {
      const err = await p.then(() => undefined, (e) => e);
      expect(isInseqError(err, code as never), `${code}: ${String(err)}`).toBe(true);
      expect((err as Error).message).toMatch(pattern);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    encDec.dispose();
  });
});
