// Attribution axioms checked on the two real tiny models, against plain forward passes computed here (not the
// methods' own deltas): completeness of IG / SIG, DeepLIFT's summation-to-delta, saliency = finite differences, and
// batched = single for every registered method.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeRaw, listMethods, type AttributionModel, type PreparedSequence, type RawSequenceResult } from "@inseqjs/core";
import { createToyModel } from "@inseqjs/core/testing";
import { loadTransformersModel } from "@inseqjs/transformers";
import { useBackend } from "@inseqjs/backend-tfjs";
import "../src/registerAll.js";
import { modelPath } from "./fixtures.js";

type ModelName = "tiny-gpt2" | "tiny-marian";
const TEXTS: Record<ModelName, { input: string; generated: string }[]> = {
  "tiny-gpt2": [
    { input: "the quick brown fox", generated: "the quick brown fox jumps over the lazy dog" },
    { input: "the cat sat on", generated: "the cat sat on ? who" },
  ],
  "tiny-marian": [
    { input: "the cat sat on the mat", generated: "le chat est assis sur le tapis" },
    { input: "my old house has a green door", generated: "can house ? ? us" },
  ],
};

type Matrix = number[][];

/** One attributed step seen from outside: the attributed side's input / baseline embeddings and f at any embeddings. */
interface StepView {
  readonly side: "source" | "target";
  readonly x: Matrix;
  readonly b: Matrix;
  /** The attributed function with the attributed side's embeddings replaced by `e` (other side at its input). */
  f(e: Matrix): number;
}

function stepView(model: AttributionModel, seq: PreparedSequence, k: number, fn: "probability" | "logit" = "probability"): StepView {
  const t = seq.attrPosStart + k;
  const embed = (ids: number[], side: "source" | "target"): Matrix => tf.tidy(() => model.embed(tf.tensor2d([ids], undefined, "int32"), side).arraySync()[0]);
  const stream = (e: Matrix) => ({ embeds: tf.tensor3d([e]), mask: tf.ones([1, e.length]) as tf.Tensor2D });
  const score = (logits: tf.Tensor2D) => (fn === "logit" ? logits : tf.softmax(logits)).arraySync()[0][seq.targetIds[t]];
  if (model.isEncoderDecoder) {
    const prefix = embed(seq.targetIds.slice(0, t), "target");
    return {
      side: "source",
      x: embed(seq.sourceIds!, "source"),
      b: embed(seq.sourceBaselineIds!, "source"),
      f: (e) => tf.tidy(() => score(model.forward({ source: stream(e), target: stream(prefix) }).logits)),
    };
  }
  return {
    side: "target",
    x: embed(seq.targetIds.slice(0, t), "target"),
    b: embed(seq.targetBaselineIds.slice(0, t), "target"),
    f: (e) => tf.tidy(() => score(model.forward({ target: stream(e) }).logits)),
  };
}

/** `(len, hidden)` attributions of step k on `side` (the rows of the step's prefix). */
function stepAttributions(res: RawSequenceResult, side: "source" | "target", k: number, len: number): Matrix {
  const r = res[side]!;
  const [, nSteps, dim] = r.shape;
  return Array.from({ length: len }, (_, j) => Array.from(r.data.subarray((j * nSteps + k) * dim, (j * nSteps + k + 1) * dim)));
}

/** Gaps small at 50 steps and shrinking 5 → 20 → 50, down to float32 noise (1e-6 of the largest |Δf|). */
function expectShrinking(gaps: number[], scale: number): void {
  const noise = 1e-6 * scale;
  expect(gaps[2]).toBeLessThan(1e-3 * scale);
  expect(gaps[1]).toBeLessThanOrEqual(gaps[0]);
  expect(gaps[2]).toBeLessThanOrEqual(gaps[1] + noise);
  expect(gaps[2]).toBeLessThan(gaps[0] / 10);
}

const sum = (m: Matrix) => m.flat().reduce((a, v) => a + v, 0);
const withRow = (m: Matrix, j: number, row: number[]) => m.map((r, i) => (i === j ? row : r));

async function run(model: AttributionModel, name: ModelName, options: { method: string } & Record<string, unknown>) {
  const { input, generated } = TEXTS[name][0];
  const raw = await attributeRaw(model, input, { generatedTexts: generated, ...options });
  return { seq: raw.sequences[0], res: raw.results[0] };
}

describe.each(["tiny-gpt2", "tiny-marian"] as const)("axioms on %s", (name) => {
  let model: AttributionModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(modelPath(name));
  });

  it("integrated gradients: completeness gap small and shrinking with nSteps (5 → 20 → 50)", async () => {
    const gaps: number[] = [];
    let scale = 0;
    for (const nSteps of [5, 20, 50]) {
      const { seq, res } = await run(model, name, { method: "integrated_gradients", nSteps, returnConvergenceDelta: true });
      let worst = 0;
      for (let k = 0; k < seq.attrPosEnd - seq.attrPosStart; k++) {
        const v = stepView(model, seq, k);
        const change = v.f(v.x) - v.f(v.b);
        const gap = sum(stepAttributions(res, v.side, k, v.x.length)) - change;
        expect(res.stepScores.deltas.data[k]).toBeCloseTo(gap, 6); // the method's own delta agrees
        worst = Math.max(worst, Math.abs(gap));
        scale = Math.max(scale, Math.abs(change));
      }
      gaps.push(worst);
    }
    console.log(`[axioms] ${name} IG max |Σattr − Δf| for nSteps 5/20/50: ${gaps.map((g) => g.toExponential(2)).join(" / ")} (max |Δf| ${scale.toExponential(2)})`);
    expectShrinking(gaps, scale);
  });

  it("sequential integrated gradients: per-position completeness f(x) − f(x with position j at baseline), shrinking with nSteps", async () => {
    // SIG integrates one position at a time with the others at their inputs, so completeness holds per position.
    const gaps: number[] = [];
    let scale = 0;
    for (const nSteps of [5, 20, 50]) {
      const { seq, res } = await run(model, name, { method: "sequential_integrated_gradients", nSteps });
      let worst = 0;
      for (let k = 0; k < seq.attrPosEnd - seq.attrPosStart; k += 2) {
        const v = stepView(model, seq, k);
        const attr = stepAttributions(res, v.side, k, v.x.length);
        const fx = v.f(v.x);
        v.x.forEach((_, j) => {
          const change = fx - v.f(withRow(v.x, j, v.b[j]));
          worst = Math.max(worst, Math.abs(attr[j].reduce((a, c) => a + c, 0) - change));
          scale = Math.max(scale, Math.abs(change));
        });
      }
      gaps.push(worst);
    }
    console.log(`[axioms] ${name} SIG max per-position gap for nSteps 5/20/50: ${gaps.map((g) => g.toExponential(2)).join(" / ")} (max |Δf| ${scale.toExponential(2)})`);
    expectShrinking(gaps, scale);
  });

  it("deeplift rule rescale: deltas reported (GPT-2: smaller than the gradient rule's)", async () => {
    const mean = async (rule: string, attributedFn: string) => {
      const { res } = await run(model, name, { method: "deeplift", rule, attributedFn, returnConvergenceDelta: true });
      const d = Array.from(res.stepScores.deltas.data, Math.abs);
      return d.reduce((a, v) => a + v, 0) / d.length;
    };
    for (const fn of ["probability", "logit"]) {
      const [gradient, rescale] = [await mean("gradient", fn), await mean("rescale", fn)];
      console.log(`[axioms] ${name} deeplift mean |delta| (${fn}): rule gradient ${gradient.toExponential(3)}, rule rescale ${rescale.toExponential(3)}`);
      expect(rescale).not.toBe(gradient);
      // LayerNorm, softmax attention and the softmax of the probability are not elementwise, so no rule closes the gap
      // on these models; on GPT-2 the Rescale rule still narrows it, on the tiny Marian it does not (reported only).
      if (name === "tiny-gpt2") expect(rescale).toBeLessThan(gradient);
    }
  });

  it("saliency equals central finite differences of the probability (h = 1e-2)", async () => {
    const { seq, res } = await run(model, name, { method: "saliency", abs: false });
    for (const k of [0, seq.attrPosEnd - seq.attrPosStart - 1]) {
      const v = stepView(model, seq, k);
      const grad = stepAttributions(res, v.side, k, v.x.length);
      const coords = grad.flatMap((row, j) => row.map((g, d) => ({ j, d, g }))).sort((p, q) => Math.abs(q.g) - Math.abs(p.g));
      const picked = [...coords.slice(0, 4), coords[Math.floor(coords.length / 2)], coords[coords.length - 1]];
      const h = 1e-2;
      const big = Math.abs(coords[0].g);
      for (const { j, d, g } of picked) {
        const moved = (delta: number) => withRow(v.x, j, v.x[j].map((e, i) => (i === d ? e + delta : e)));
        const fd = (v.f(moved(h)) - v.f(moved(-h))) / (2 * h);
        expect(Math.abs(fd - g), `step ${k} position ${j} dim ${d}: fd ${fd} vs grad ${g}`).toBeLessThan(1e-2 * big + 1e-7);
      }
    }
  });

  it("batched (2 padded texts of different lengths) = single, within 1e-5, for every registered method", async () => {
    const options: Record<string, Record<string, unknown>> = {
      gradient_shap: { alphas: [0.1, 0.3, 0.5, 0.7, 0.9] },
      discretized_integrated_gradients: { cache: false, nSteps: 10 },
    };
    const methods = listMethods();
    expect(methods.length).toBeGreaterThanOrEqual(10);
    const texts = TEXTS[name];
    for (const method of methods) {
      const opts = { method, stepScores: ["probability"], ...(options[method] ?? {}) };
      const batched = await attributeRaw(model, texts.map((t) => t.input), { ...opts, generatedTexts: texts.map((t) => t.generated) });
      for (let i = 0; i < texts.length; i++) {
        const single = await attributeRaw(model, texts[i].input, { ...opts, generatedTexts: texts[i].generated });
        const [a, b] = [batched.results[i], single.results[0]];
        for (const key of ["source", "target"] as const) {
          expect(a[key]?.shape, `${method} ${key} shape`).toEqual(b[key]?.shape);
          if (!a[key] || !b[key]) continue;
          let worst = 0;
          a[key].data.forEach((x, n) => {
            const y = b[key]!.data[n];
            if (Number.isNaN(x) || Number.isNaN(y)) expect(Number.isNaN(x) && Number.isNaN(y), `${method} ${key} NaN at ${n}`).toBe(true);
            else worst = Math.max(worst, Math.abs(x - y));
          });
          expect(worst, `${method} ${key} text ${i}`).toBeLessThan(1e-5);
        }
        const p = Array.from(a.stepScores.probability.data, (x, n) => Math.abs(x - b.stepScores.probability.data[n]));
        expect(Math.max(...p), `${method} probability`).toBeLessThan(1e-5);
      }
    }
  });
});

describe("deeplift rule rescale on a model whose non-linearities are all elementwise", () => {
  it("sums to f(x) − f(b) within 1e-5 at every step (toy model with mean mixing, logit attributed)", async () => {
    await useBackend("wasm");
    const vocab = "the cat sat on a mat dog ran far away".split(" ");
    const model = createToyModel({ vocab, hiddenSize: 16, seed: 3, mixer: "mean" });
    const raw = await attributeRaw(model, "the cat sat", { generatedTexts: "the cat sat on a mat dog", method: "deeplift", rule: "rescale", attributedFn: "logit" });
    const [seq, res] = [raw.sequences[0], raw.results[0]];
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < seq.attrPosEnd - seq.attrPosStart; k++) {
      const v = stepView(model, seq, k, "logit");
      const change = v.f(v.x) - v.f(v.b);
      worst = Math.max(worst, Math.abs(sum(stepAttributions(res, v.side, k, v.x.length)) - change));
      scale = Math.max(scale, Math.abs(change));
    }
    console.log(`[axioms] toy (mean mixer) deeplift rescale max |Σattr − Δf| ${worst.toExponential(2)} (max |Δf| ${scale.toExponential(2)})`);
    expect(scale).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
  });
});
