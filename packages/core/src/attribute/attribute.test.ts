import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { createToyModel } from "../testing/index.js";
import type { AttributionMethod, AttributionStepInputs, StepAttribution } from "../method.js";
import { isInseqError } from "../errors.js";
import { attributeRaw } from "./attribute.js";
import { buildAttributionOutput } from "./buildAttributionOutput.js";

/** x · ∂f/∂x on every attributed side: enough to exercise the loop without the gradient package. */
const gradXInput: AttributionMethod<Record<string, never>> = {
  methodName: "test_grad_x_input",
  usesBaselines: false,
  attributesIds: false,
  resolveOptions: () => ({}),
  attributeStep(step: AttributionStepInputs): StepAttribution {
    if (!step.source) {
      const gt = tf.grad((tgt: tf.Tensor) => tf.sum(step.forward({ targetEmbeds: tgt as tf.Tensor3D }).scores))(step.target.embeds);
      return { target: tf.mul(gt, step.target.embeds) as tf.Tensor3D, deltas: tf.sum(gt, [1, 2]) };
    }
    const f = (src: tf.Tensor, tgt: tf.Tensor) => tf.sum(step.forward({ sourceEmbeds: src as tf.Tensor3D, targetEmbeds: tgt as tf.Tensor3D }).scores);
    const [gs, gt] = tf.grads(f)([step.source.embeds, step.target.embeds]);
    return {
      source: tf.mul(gs, step.source.embeds) as tf.Tensor3D,
      target: step.attributeTarget ? (tf.mul(gt, step.target.embeds) as tf.Tensor3D) : undefined,
      deltas: tf.sum(gs, [1, 2]),
    };
  },
};

const vocab = "the a cat dog sat on mat ran far away".split(" ");

describe("attribute step loop", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("decoder-only: inseq shapes, NaN above the diagonal, step scores, no leaked tensors", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 1 });
    const before = tf.memory().numTensors;
    const raw = await attributeRaw(model, "the cat", { method: gradXInput, generatedTexts: "the cat sat on the mat", stepScores: ["probability", "logit"] });
    expect(tf.memory().numTensors).toBe(before);
    const [seq] = raw.sequences;
    const res = raw.results[0];
    expect([seq.attrPosStart, seq.attrPosEnd, seq.promptLength]).toEqual([2, 6, 2]);
    expect(res.source).toBeNull();
    expect(res.target!.shape).toEqual([6, 4, 8]);
    // column k explains token 2+k from the prefix [0, 2+k): rows ≥ 2+k are NaN
    for (let k = 0; k < 4; k++) for (let j = 0; j < 6; j++) expect(Number.isNaN(res.target!.data[(j * 4 + k) * 8])).toBe(j >= 2 + k);
    for (const p of res.stepScores.probability.data) expect(p).toBeGreaterThan(0);
    expect(res.stepScores.deltas.shape).toEqual([4]);
    const out = buildAttributionOutput(model, raw, { method: gradXInput, stepScores: ["probability"] });
    expect(out.sequenceAttributions[0].source!.map((t) => t.token)).toEqual(["the", "cat"]);
    const agg = out.aggregate().sequenceAttributions[0].targetAttributions!;
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let j = 0; j < 6; j++) if (!Number.isNaN(agg.data[j * 4 + k])) s += agg.data[j * 4 + k];
      expect(s).toBeCloseTo(1, 5);
    }
    model.dispose();
  });

  it("decoder-only: a left-padded batch equals single runs within 1e-5", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 2 });
    const texts = ["the cat", "a dog ran"];
    const gens = ["the cat sat on the mat", "a dog ran far away"];
    const batched = await attributeRaw(model, texts, { method: gradXInput, generatedTexts: gens, stepScores: ["probability"] });
    for (let i = 0; i < 2; i++) {
      const single = await attributeRaw(model, texts[i], { method: gradXInput, generatedTexts: gens[i], stepScores: ["probability"] });
      const a = batched.results[i].target!.data;
      const b = single.results[0].target!.data;
      expect(a.length).toBe(b.length);
      for (let j = 0; j < a.length; j++) {
        if (Number.isNaN(b[j])) expect(Number.isNaN(a[j])).toBe(true);
        else expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-5);
      }
      [...single.results[0].stepScores.probability.data].forEach((p, k) => expect(Math.abs(batched.results[i].stepScores.probability.data[k] - p)).toBeLessThan(1e-6));
    }
    model.dispose();
  });

  it("encoder-decoder: source always attributed, target with attributeTarget, batch equals single", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 3, encoderDecoder: true, embedScale: 2 });
    const texts = ["the cat sat", "a dog ran far away"];
    const gens = ["cat sat", "dog ran away"];
    const batched = await attributeRaw(model, texts, { method: gradXInput, generatedTexts: gens, attributeTarget: true });
    for (let i = 0; i < 2; i++) {
      const single = await attributeRaw(model, texts[i], { method: gradXInput, generatedTexts: gens[i], attributeTarget: true });
      const seq = single.sequences[0];
      expect(seq.targetIds[0]).toBe(model.specialTokens.decoderStart);
      expect(seq.attrPosStart).toBe(1);
      for (const side of ["source", "target"] as const) {
        const a = batched.results[i][side]!.data;
        const b = single.results[0][side]!.data;
        for (let j = 0; j < b.length; j++) {
          if (Number.isNaN(b[j])) expect(Number.isNaN(a[j])).toBe(true);
          else expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-5);
        }
      }
    }
    const noTarget = await attributeRaw(model, texts[0], { method: gradXInput, generatedTexts: gens[0] });
    expect(noTarget.results[0].target).toBeNull();
    model.dispose();
  });

  it("generates greedily when no generated text is given", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 4 });
    const raw = await attributeRaw(model, "the cat", { method: gradXInput, generationArgs: { maxNewTokens: 3 } });
    expect(raw.sequences[0].targetIds.length).toBeLessThanOrEqual(5);
    expect(raw.sequences[0].targetIds.slice(0, 2)).toEqual(model.tokenizer.encode("the cat"));
    model.dispose();
  });

  it("reports progress and stops on abort without leaking tensors", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 5 });
    const seen: number[] = [];
    await attributeRaw(model, "the", { method: gradXInput, generatedTexts: "the cat sat on", onProgress: (p) => seen.push(p.step) });
    expect(seen).toEqual([1, 2, 3]);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = attributeRaw(model, "the", {
      method: gradXInput,
      generatedTexts: "the cat sat on",
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: "ABORTED", name: "AbortError" });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("rejects bad input with typed errors", async () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 6, maxPositions: 8 });
    const cases: [Promise<unknown>, string][] = [
      [attributeRaw(model, "the cat", { method: gradXInput, generatedTexts: "a dog ran" }), "GENERATED_TEXT_MISMATCH"],
      [attributeRaw(model, "  ", { method: gradXInput, generatedTexts: "the" }), "EMPTY_INPUT"],
      [attributeRaw(model, [], { method: gradXInput }), "EMPTY_INPUT"],
      [attributeRaw(model, ["the", "a"], { method: gradXInput, generatedTexts: ["the cat"] }), "BATCH_MISMATCH"],
      [attributeRaw(model, "the", { method: gradXInput, generatedTexts: "the cat sat on the mat the cat sat on" }), "INPUT_TOO_LONG"],
      [attributeRaw(model, "the", { method: "no_such_method", generatedTexts: "the cat" }), "UNKNOWN_METHOD"],
      [attributeRaw(model, "the", { method: gradXInput, generatedTexts: "the cat", stepScores: ["nope"] }), "UNKNOWN_STEP_FUNCTION"],
      [attributeRaw(model, "the", { method: gradXInput, generatedTexts: "the cat", attrPosStart: 5 }), "INVALID_OPTION"],
    ];
    for (const [p, code] of cases) {
      const err = await p.then(() => undefined, (e) => e);
      expect(isInseqError(err, code as never), `${code}: ${String(err)}`).toBe(true);
    }
    model.dispose();
  });
});
