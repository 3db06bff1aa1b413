import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { prepareSequences } from "@inseqjs/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../../loadTransformersModel.js";
import { BartModel } from "./BartModel.js";

const root = new URL("../../../../../", import.meta.url);
interface ForwardCase { id: string; source_ids: number[]; decoder_input_ids: number[]; logits_from_ids: number[][] }
interface IgStep { step: number; target_id: number; probability: number; delta: number[]; source_attributions: number[][] }
interface IgCase { id: string; input_text: string; generated_text: string; source_ids: number[]; source_baseline_ids: number[]; target_ids: number[]; target_baseline_ids: number[]; attr_pos_start: number; attr_pos_end: number; steps: IgStep[] }
interface Expected<C> { load_options: { tgtLang?: string }; args: { alphas: number[]; weights: number[] }; cases: C[] }
const read = <C>(type: string, file: string): Expected<C> => JSON.parse(readFileSync(new URL(`test-data/expected-arch/${type}/${file}.json`, root), "utf8"));
const PAD = 1;

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor | number[][]): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor(b)))).dataSync()[0]);
const rows = (ids: number[], n: number) => tf.tensor2d(Array.from({ length: n }, () => ids), undefined, "int32");

/** Rows padded on `side` with the pad id to the longest, and their (batch, len) float mask. */
function pad(lists: number[][], side: "left" | "right"): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(...lists.map((r) => r.length));
  const fill = (r: number[], v: number, real: number[]) => (side === "left" ? [...new Array(len - r.length).fill(v), ...real] : [...real, ...new Array(len - r.length).fill(v)]);
  return { ids: tf.tensor2d(lists.map((r) => fill(r, PAD, r)), undefined, "int32"), mask: tf.tensor2d(lists.map((r) => fill(r, 0, r.map(() => 1))), undefined, "float32") };
}

const EXPECTED_CLASS = { bart: "BartForConditionalGeneration", mbart: "MBartForConditionalGeneration", m2m_100: "M2M100ForConditionalGeneration" };

describe.each(["bart", "mbart", "m2m_100"] as const)("%s (tiny random, PyTorch reference)", (type) => {
  const forward = read<ForwardCase>(type, "forward");
  const ig = read<IgCase>(type, "integrated_gradients");
  let model: BartModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = (await loadTransformersModel(fileURLToPath(new URL(`test-data/models-arch/${type}`, root)), forward.load_options)) as BartModel;
  });
  afterAll(() => model.dispose());

  it("describes itself, with the forced first decoder token in its prefix", () => {
    expect(model).toBeInstanceOf(BartModel);
    expect([model.modelClass, model.modelType, model.isEncoderDecoder]).toEqual([EXPECTED_CLASS[type], type, true]);
    expect(model.specialTokens).toEqual({ bos: 0, eos: 2, pad: 1, unk: 3, decoderStart: 2 });
    expect(model.embedScale).toBeCloseTo(type === "bart" ? 1 : Math.sqrt(32), 12);
    const forced = { bart: "<s>", mbart: "fr_XX", m2m_100: "__fr__" }[type];
    expect(model.decoderPrefix()).toEqual([2, model.tokenizer.tokenToId(forced)!]);
    expect(model.decoderPrefix()).toEqual(forward.cases[0].decoder_input_ids.slice(0, 2));
    const names = model.layerNames();
    expect(names).toContain("model.decoder.layers.1.encoder_attn.q_proj");
    expect(names.includes("model.encoder.layer_norm")).toBe(type !== "bart");
    expect(names.includes("model.decoder.layernorm_embedding")).toBe(type !== "m2m_100");
  });

  it.each(forward.cases.map((c) => [c.id, c] as const))("%s: logits of every decoder prefix equal the reference (atol 1e-4), ids and embeds", (_, c) => {
    const prefixes = c.decoder_input_ids.map((__, t) => c.decoder_input_ids.slice(0, t + 1));
    tf.tidy(() => {
      const target = pad(prefixes, "left");
      const sourceIds = rows(c.source_ids, prefixes.length);
      expect(maxAbsDiff(model.forward({ source: { ids: sourceIds }, target }).logits, c.logits_from_ids)).toBeLessThan(1e-4);
      const embedded = model.forward({ source: { embeds: model.embed(sourceIds, "source") }, target: { embeds: model.embed(target.ids, "target"), mask: target.mask } });
      expect(maxAbsDiff(embedded.logits, c.logits_from_ids)).toBeLessThan(1e-4);
    });
  });

  it("a batch with right-padded sources (and left-padded targets) gives each row's single logits (1e-5)", () => {
    tf.tidy(() => {
      const source = pad(forward.cases.map((c) => c.source_ids), "right");
      const target = pad(forward.cases.map((c) => c.decoder_input_ids), "left");
      const batched = model.forward({ source, target }).logits;
      const batchedEmbeds = model.forward({ source: { embeds: model.embed(source.ids, "source"), mask: source.mask }, target: { embeds: model.embed(target.ids, "target"), mask: target.mask } }).logits;
      forward.cases.forEach((c, i) => {
        const alone = model.forward({ source: { ids: rows(c.source_ids, 1) }, target: { ids: rows(c.decoder_input_ids, 1) } }).logits;
        expect(maxAbsDiff(tf.slice(batched, [i, 0], [1, -1]), alone)).toBeLessThan(1e-5);
        expect(maxAbsDiff(tf.slice(batchedEmbeds, [i, 0], [1, -1]), alone)).toBeLessThan(1e-5);
        expect(maxAbsDiff(alone, [c.logits_from_ids[c.logits_from_ids.length - 1]])).toBeLessThan(1e-4);
      });
    });
  });

  it.each(ig.cases.map((c) => [c.id, c] as const))("%s: prepared ids and IG source attributions (atol 1e-4 + rtol 1e-3) and probabilities (1e-5)", async (_, c) => {
    const [seq] = await prepareSequences(model, [c.input_text], { generatedTexts: [c.generated_text] });
    expect([seq.sourceIds, seq.sourceBaselineIds, seq.targetIds, seq.targetBaselineIds]).toEqual([c.source_ids, c.source_baseline_ids, c.target_ids, c.target_baseline_ids]);
    expect([seq.attrPosStart, seq.attrPosEnd]).toEqual([c.attr_pos_start, c.attr_pos_end]);
    const start = tf.memory().numTensors;
    const { alphas, weights } = ig.args;
    const n = alphas.length;
    let largest = 0;
    for (const step of c.steps) {
      const [attr, prob] = tf.tidy(() => {
        const x = model.embed(rows(c.source_ids, 1), "source");
        const b = model.embed(rows(c.source_baseline_ids, 1), "source");
        const dec = { embeds: model.embed(rows(c.target_ids.slice(0, step.step), n), "target") };
        const path = tf.add(b, tf.mul(tf.reshape(tf.tensor1d(alphas), [n, 1, 1]), tf.sub(x, b))) as tf.Tensor3D;
        const f = (e: tf.Tensor) => tf.sum(tf.slice(tf.softmax(model.forward({ source: { embeds: e as tf.Tensor3D }, target: dec }).logits), [0, step.target_id], [-1, 1]));
        const grads = tf.grad(f)(path);
        const summed = tf.sum(tf.mul(grads, tf.reshape(tf.tensor1d(weights), [n, 1, 1])), 0, true);
        const p = tf.softmax(model.forward({ source: { embeds: x }, target: { embeds: model.embed(rows(c.target_ids.slice(0, step.step), 1), "target") } }).logits);
        return [tf.squeeze(tf.mul(summed, tf.sub(x, b)), [0]), tf.slice(p, [0, step.target_id], [1, 1])];
      });
      const maxRef = Math.max(...step.source_attributions.flat().map(Math.abs));
      largest = Math.max(largest, maxRef);
      expect(maxAbsDiff(attr, step.source_attributions), `step ${step.step}`).toBeLessThanOrEqual(1e-4 + 1e-3 * maxRef);
      expect(Math.abs(prob.dataSync()[0] - step.probability)).toBeLessThanOrEqual(1e-5);
      tf.dispose([attr, prob]);
    }
    expect(largest, "the reference attributions are not negligible").toBeGreaterThan(3e-3);
    expect(tf.memory().numTensors).toBe(start);
  });

  it("leaks no tensor in forward, capture and gradient", () => {
    const c = forward.cases[0];
    const source = rows(c.source_ids, 1);
    const target = rows(c.decoder_input_ids, 1);
    const start = tf.memory().numTensors;
    const finalNorm = type === "bart" ? "model.decoder.layers.1.final_layer_norm" : "model.decoder.layer_norm";
    const out = model.forward({ source: { ids: source }, target: { ids: target } }, { capture: ["model.encoder.embed_positions", finalNorm, "model.decoder.layers.0.activation_fn"] });
    expect(out.captured[finalNorm].shape).toEqual([1, c.decoder_input_ids.length, 32]);
    tf.dispose([out.logits, ...Object.values(out.captured)]);
    const embeds = model.embed(source, "source");
    tf.dispose(tf.grad((e: tf.Tensor) => tf.sum(model.forward({ source: { embeds: e as tf.Tensor3D }, target: { ids: target } }).logits))(embeds));
    embeds.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([source, target]);
  });
});

describe("target language", () => {
  const dir = (type: string) => fileURLToPath(new URL(`test-data/models-arch/${type}`, root));

  it("M2M-100: tgtLang by code or token, forcedBosTokenId, setTargetLanguage, and clear errors", async () => {
    await useBackend("cpu");
    const model = (await loadTransformersModel(dir("m2m_100"))) as BartModel;
    try {
      const fr = model.tokenizer.tokenToId("__fr__")!;
      const en = model.tokenizer.tokenToId("__en__")!;
      expect(model.decoderPrefix()).toEqual([2]);
      model.setTargetLanguage({ tgtLang: "fr" });
      expect([model.forcedBosTokenId, model.decoderPrefix()]).toEqual([fr, [2, fr]]);
      model.setTargetLanguage({ tgtLang: "__en__" });
      expect(model.decoderPrefix()).toEqual([2, en]);
      model.setTargetLanguage({ forcedBosTokenId: fr });
      expect(model.decoderPrefix()).toEqual([2, fr]);
      model.setTargetLanguage({});
      expect(model.decoderPrefix()).toEqual([2]);
      expect(() => model.setTargetLanguage({ tgtLang: "de" })).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/"de".*"__en__", "__fr__"/s) }));
      expect(() => model.setTargetLanguage({ tgtLang: "fr", forcedBosTokenId: en })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      expect(() => model.setTargetLanguage({ forcedBosTokenId: 10_000 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    } finally {
      model.dispose();
    }
    await expect(loadTransformersModel(dir("mbart"), { tgtLang: "xx_YY" })).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining('"fr_XX"') });
  });

  it("greedy generation starts from the forced prefix and attributes from the first generated token", async () => {
    await useBackend("cpu");
    const model = (await loadTransformersModel(dir("m2m_100"), { tgtLang: "fr" })) as BartModel;
    try {
      const [seq] = await prepareSequences(model, ["the cat sat on the mat"], { generation: { maxNewTokens: 3 } });
      expect(seq.targetIds.slice(0, 2)).toEqual(model.decoderPrefix());
      expect(seq.targetIds.length).toBeGreaterThan(2);
      expect(seq.attrPosStart).toBe(2);
      expect(seq.targetBaselineIds.slice(0, 2)).toEqual(model.decoderPrefix());
    } finally {
      model.dispose();
    }
  });
});

describe("BART family lifetime", () => {
  it("stores the shared embeddings once and dispose frees everything", async () => {
    await useBackend("cpu");
    const start = tf.memory().numTensors;
    const model = await loadTransformersModel(fileURLToPath(new URL("test-data/models-arch/bart", root)));
    // shared + final_logits_bias; per stack: positions + layernorm_embedding (2); encoder layers 16, decoder 26
    expect(tf.memory().numTensors).toBe(start + 2 + 2 * 3 + 2 * 16 + 2 * 26);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
