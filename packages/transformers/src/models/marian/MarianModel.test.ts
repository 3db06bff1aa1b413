import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { recordKernels, transposedMatMuls, useBackend } from "@inseqjs/backend-tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../../loadTransformersModel.js";
import type { TransformersModel } from "../TransformersModel.js";

const root = new URL("../../../../../", import.meta.url);
const modelDir = fileURLToPath(new URL("models/tiny-marian", root));
interface ForwardCase { id: string; source_ids: number[]; decoder_input_ids: number[]; logits_from_ids: number[][]; logits_from_inseq_embeds: number[][] }
const fixture: { cases: ForwardCase[] } = JSON.parse(readFileSync(new URL("test-data/expected/tiny-marian/forward.json", root), "utf8"));
const PAD = 254;

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor | number[][]): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor(b)))).dataSync()[0]);

/** Rows padded on `side` with the pad id to the longest, and their (batch, len) float mask. */
function pad(rows: number[][], side: "left" | "right"): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(...rows.map((r) => r.length));
  const fill = (r: number[], v: number, real: number[]) => (side === "left" ? [...new Array(len - r.length).fill(v), ...real] : [...real, ...new Array(len - r.length).fill(v)]);
  return {
    ids: tf.tensor2d(rows.map((r) => fill(r, PAD, r)), undefined, "int32"),
    mask: tf.tensor2d(rows.map((r) => fill(r, 0, r.map(() => 1))), undefined, "float32"),
  };
}
const repeat = (row: number[], n: number) => tf.tensor2d(Array.from({ length: n }, () => row), undefined, "int32");

describe.each(["cpu", "wasm"] as const)("Marian on %s", (backend) => {
  let model: TransformersModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = await loadTransformersModel(modelDir);
  });
  afterAll(() => model.dispose());

  it("describes itself from config.json and the tokenizer", () => {
    expect(model.modelClass).toBe("MarianMTModel");
    expect(model.isEncoderDecoder).toBe(true);
    expect(model.specialTokens).toEqual({ eos: 0, pad: 254, unk: 1, decoderStart: 254 });
    expect(model.embedScale).toBeCloseTo(Math.sqrt(32), 12);
    expect([model.hiddenSize, model.vocabSize, model.maxPositions]).toEqual([32, 255, 64]);
    expect(model.embeddingLayers).toEqual({ source: "model.shared", target: "model.shared" });
    expect(model.vocabularyEmbeddings("source")).toBe(model.vocabularyEmbeddings("target"));
    for (const name of ["model.shared", "model.encoder.embed_tokens", "model.decoder.layers.1.encoder_attn", "model.decoder.layers.0.encoder_attn_layer_norm", "model.encoder.layers.1.fc2", "lm_head"]) {
      expect(model.layerNames()).toContain(name);
    }
  });

  it.each(fixture.cases.map((c) => [c.id, c] as const))("%s: logits of every decoder prefix equal forward.json (atol 1e-4), ids and embeds", (_, c) => {
    const prefixes = c.decoder_input_ids.map((__, t) => c.decoder_input_ids.slice(0, t + 1));
    tf.tidy(() => {
      const target = pad(prefixes, "left");
      const sourceIds = repeat(c.source_ids, prefixes.length);
      expect(maxAbsDiff(model.forward({ source: { ids: sourceIds }, target }).logits, c.logits_from_ids)).toBeLessThan(1e-4);
      const embedded = model.forward({ source: { embeds: model.embed(sourceIds, "source") }, target: { embeds: model.embed(target.ids, "target"), mask: target.mask } });
      expect(maxAbsDiff(embedded.logits, c.logits_from_inseq_embeds)).toBeLessThan(1e-4);
    });
  });

  it("right-padded sources in one batch give each case's logits (1e-5 against the unpadded rows)", () => {
    tf.tidy(() => {
      const source = pad(fixture.cases.map((c) => c.source_ids), "right");
      const target = pad(fixture.cases.map((c) => c.decoder_input_ids), "left");
      const batched = model.forward({ source, target }).logits;
      fixture.cases.forEach((c, i) => {
        const alone = model.forward({ source: { ids: repeat(c.source_ids, 1) }, target: { ids: repeat(c.decoder_input_ids, 1) } }).logits;
        expect(maxAbsDiff(tf.slice(batched, [i, 0], [1, -1]), alone)).toBeLessThan(1e-5);
        expect(maxAbsDiff(alone, [c.logits_from_ids[c.logits_from_ids.length - 1]])).toBeLessThan(1e-4);
      });
    });
  });

  it("embedding layers: unscaled output, per-side aliases, and a clear error when the shared module runs twice", () => {
    tf.tidy(() => {
      const c = fixture.cases[0];
      const source = { ids: repeat(c.source_ids, 1) };
      const targetIds = repeat(c.decoder_input_ids, 1);
      const out = model.forward({ source, target: { ids: targetIds } }, { capture: ["model.encoder.embed_tokens", "model.decoder.embed_tokens", "model.decoder.embed_tokens:input"] });
      expect(maxAbsDiff(tf.mul(out.captured["model.encoder.embed_tokens"], model.embedScale), model.embed(source.ids, "source"))).toBeLessThan(1e-5);
      expect(out.captured["model.decoder.embed_tokens"].shape).toEqual([1, 9, 32]);
      expect(maxAbsDiff(out.captured["model.decoder.embed_tokens:input"], targetIds)).toBe(0);
      const sharedOnce = model.forward({ source, target: { embeds: model.embed(targetIds, "target") } }, { capture: ["model.shared"] });
      expect(maxAbsDiff(sharedOnce.captured["model.shared"], out.captured["model.encoder.embed_tokens"])).toBe(0);
      expect(() => model.forward({ source, target: { ids: targetIds } }, { capture: ["model.shared"] })).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("model.decoder.embed_tokens") }),
      );
    });
  });

  it("gradient through a model.shared override = embedScale × gradient w.r.t. source embeddings (layer methods)", () => {
    tf.tidy(() => {
      const c = fixture.cases[1];
      const sourceIds = repeat(c.source_ids, 1);
      const target = { embeds: model.embed(repeat(c.decoder_input_ids.slice(0, 4), 1), "target") };
      const pick = (logits: tf.Tensor2D) => tf.sum(tf.slice(tf.softmax(logits), [0, 252], [1, 1]));
      const table = tf.gather(model.vocabularyEmbeddings("source"), sourceIds) as unknown as tf.Tensor3D;
      const viaLayer = tf.grad((e: tf.Tensor) => pick(model.forward({ source: { ids: sourceIds }, target }, { override: { "model.shared": e } }).logits))(table);
      const viaEmbeds = tf.grad((e: tf.Tensor) => pick(model.forward({ source: { embeds: e as tf.Tensor3D }, target }).logits))(model.embed(sourceIds, "source"));
      expect(maxAbsDiff(viaLayer, tf.mul(viaEmbeds, model.embedScale))).toBeLessThan(1e-7);
      expect(tf.max(tf.abs(viaEmbeds)).dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it("capture / override of a decoder layer: own value → same logits, zeros → different", () => {
    tf.tidy(() => {
      const c = fixture.cases[0];
      const inputs = { source: { ids: repeat(c.source_ids, 1) }, target: { ids: repeat(c.decoder_input_ids, 1) } };
      const base = model.forward(inputs, { capture: ["model.decoder.layers.0", "model.encoder.layers.1.self_attn", "model.decoder.layers.1:input"] });
      expect(maxAbsDiff(base.captured["model.decoder.layers.1:input"], base.captured["model.decoder.layers.0"])).toBe(0);
      expect(base.captured["model.encoder.layers.1.self_attn"].shape).toEqual([1, 7, 32]);
      const same = model.forward(inputs, { override: { "model.decoder.layers.0": base.captured["model.decoder.layers.0"] } });
      expect(maxAbsDiff(same.logits, base.logits)).toBeLessThanOrEqual(1e-6);
      const zeroed = model.forward(inputs, { override: { "model.encoder.layers.1.self_attn": tf.zeros([1, 7, 32]) } });
      expect(maxAbsDiff(zeroed.logits, base.logits)).toBeGreaterThan(1e-3);
    });
  });

  it("forward + backward run no transposed matMul kernel", () => {
    tf.tidy(() => {
      const c = fixture.cases[0];
      const source = model.embed(repeat(c.source_ids, 2), "source");
      const target = { embeds: model.embed(repeat(c.decoder_input_ids, 2), "target") };
      const calls = recordKernels(() => { tf.grad((e: tf.Tensor) => tf.sum(model.forward({ source: { embeds: e as tf.Tensor3D }, target }).logits))(source); });
      expect(transposedMatMuls(calls)).toEqual([]);
    });
  });

  it("errors: unknown layer with close matches, missing source", () => {
    tf.tidy(() => {
      const ids = repeat([2, 3, 0], 1);
      expect(() => model.forward({ source: { ids }, target: { ids } }, { capture: ["model.decoder.layers.0.encoder_att"] })).toThrow(
        expect.objectContaining({ code: "UNKNOWN_LAYER", message: expect.stringContaining('"model.decoder.layers.0.encoder_attn"') }),
      );
      expect(() => model.forward({ target: { ids } })).toThrow(expect.objectContaining({ code: "EMPTY_INPUT" }));
      expect(() => model.forward({ source: { ids: repeat([2, 3], 2) }, target: { ids } })).toThrow(expect.objectContaining({ code: "BATCH_MISMATCH" }));
    });
  });

  it("leaks no tensor", () => {
    const c = fixture.cases[0];
    const source = repeat(c.source_ids, 1);
    const target = repeat(c.decoder_input_ids, 1);
    const start = tf.memory().numTensors;
    tf.tidy(() => { model.forward({ source: { ids: source }, target: { ids: target } }, { capture: ["model.encoder.layers.0", "model.decoder.embed_tokens"] }); });
    const embeds = model.embed(source, "source");
    tf.dispose(tf.grad((e: tf.Tensor) => tf.sum(model.forward({ source: { embeds: e as tf.Tensor3D }, target: { ids: target } }).logits))(embeds));
    embeds.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([source, target]);
  });
});

describe("Marian model lifetime", () => {
  it("shared weights are stored once and dispose frees everything", async () => {
    await useBackend("cpu");
    const start = tf.memory().numTensors;
    const model = await loadTransformersModel(modelDir);
    // shared + final_logits_bias + positions, encoder layers 16 each, decoder layers 26 each
    expect(tf.memory().numTensors).toBe(start + 3 + 2 * 16 + 2 * 26);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
