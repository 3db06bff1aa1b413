import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { recordKernels, transposedMatMuls, useBackend } from "@inseqjs/backend-tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../../loadTransformersModel.js";
import type { TransformersModel } from "../TransformersModel.js";

const root = new URL("../../../../../", import.meta.url);
const modelDir = fileURLToPath(new URL("models/tiny-gpt2", root));
interface ForwardCase { id: string; input_ids: number[]; logits_from_ids: number[][]; logits_from_inseq_embeds: number[][] }
const fixture: { cases: ForwardCase[] } = JSON.parse(readFileSync(new URL("test-data/expected/tiny-gpt2/forward.json", root), "utf8"));

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor | number[][]): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor(b)))).dataSync()[0]);

/** Rows left-padded with `pad` to the longest, and their (batch, len) float mask. */
function leftPad(rows: number[][], pad = 0): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...new Array(len - r.length).fill(pad), ...r]);
  const mask = rows.map((r) => [...new Array(len - r.length).fill(0), ...r.map(() => 1)]);
  return { ids: tf.tensor2d(ids, undefined, "int32"), mask: tf.tensor2d(mask, undefined, "float32") };
}

describe.each(["cpu", "wasm"] as const)("GPT-2 on %s", (backend) => {
  let model: TransformersModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = await loadTransformersModel(modelDir);
  });
  afterAll(() => model.dispose());

  it("describes itself from config.json", () => {
    expect(model.modelClass).toBe("GPT2LMHeadModel");
    expect(model.isEncoderDecoder).toBe(false);
    expect(model.specialTokens).toEqual({ bos: 0, eos: 0, pad: undefined, unk: 1 });
    expect([model.embedScale, model.hiddenSize, model.vocabSize, model.maxPositions]).toEqual([1, 32, 176, 64]);
    expect(model.embeddingLayers).toEqual({ target: "transformer.wte" });
    expect(model.layerNames()).toContain("transformer.h.1.mlp.c_proj");
    expect(model.layerNames()).toHaveLength(2 + 2 * 10 + 2);
    expect(model.vocabularyEmbeddings().shape).toEqual([176, 32]);
  });

  it.each(fixture.cases.map((c) => [c.id, c] as const))("%s: logits of every prefix equal forward.json (atol 1e-4), ids and embeds", (_, c) => {
    const prefixes = c.input_ids.map((__, t) => c.input_ids.slice(0, t + 1));
    tf.tidy(() => {
      const { ids, mask } = leftPad(prefixes);
      expect(maxAbsDiff(model.forward({ target: { ids, mask } }).logits, c.logits_from_ids)).toBeLessThan(1e-4);
      const embeds = model.embed(ids);
      expect(maxAbsDiff(model.forward({ target: { embeds, mask } }).logits, c.logits_from_inseq_embeds)).toBeLessThan(1e-4);
    });
  });

  it("a left-padded row gives exactly the unpadded row's logits (1e-5)", () => {
    tf.tidy(() => {
      const [a, b] = fixture.cases.map((c) => c.input_ids);
      const short = b.slice(0, 5);
      const { ids, mask } = leftPad([a, short]);
      const batched = model.forward({ target: { ids, mask } }).logits;
      const alone = model.forward({ target: { ids: tf.tensor2d([short], undefined, "int32") } }).logits;
      expect(maxAbsDiff(tf.slice(batched, [1, 0], [1, -1]), alone)).toBeLessThan(1e-5);
      const full = model.forward({ target: { ids: tf.tensor2d([a], undefined, "int32") } }).logits;
      expect(maxAbsDiff(tf.slice(batched, [0, 0], [1, -1]), full)).toBeLessThan(1e-5);
    });
  });

  it("capture returns layer outputs and inputs; override with the captured value changes nothing, zeros change the logits", () => {
    tf.tidy(() => {
      const ids = tf.tensor2d([fixture.cases[0].input_ids], undefined, "int32");
      const base = model.forward({ target: { ids } }, { capture: ["transformer.h.0", "transformer.h.1:input", "transformer.wte", "lm_head", "transformer.h.0.mlp"] });
      const { captured } = base;
      expect(captured["transformer.h.0"].shape).toEqual([1, 9, 32]);
      expect(maxAbsDiff(captured["transformer.h.1:input"], captured["transformer.h.0"])).toBe(0);
      expect(maxAbsDiff(captured["transformer.wte"], model.embed(ids))).toBe(0);
      expect(maxAbsDiff(captured.lm_head, base.logits)).toBe(0);
      const same = model.forward({ target: { ids } }, { override: { "transformer.h.0": captured["transformer.h.0"] } });
      expect(maxAbsDiff(same.logits, base.logits)).toBeLessThanOrEqual(1e-6);
      const zeroed = model.forward({ target: { ids } }, { override: { "transformer.h.0.mlp": tf.zerosLike(captured["transformer.h.0.mlp"]) } });
      expect(maxAbsDiff(zeroed.logits, base.logits)).toBeGreaterThan(1e-3);
    });
  });

  it("the gradient through an embedding-layer override equals the gradient w.r.t. input embeddings (scale 1)", () => {
    tf.tidy(() => {
      const ids = tf.tensor2d([fixture.cases[1].input_ids], undefined, "int32");
      const table = tf.gather(model.vocabularyEmbeddings(), ids) as unknown as tf.Tensor3D;
      const pick = (logits: tf.Tensor2D) => tf.sum(tf.slice(tf.softmax(logits), [0, 7], [1, 1]));
      const viaLayer = tf.grad((e: tf.Tensor) => pick(model.forward({ target: { ids } }, { override: { "transformer.wte": e } }).logits))(table);
      const viaEmbeds = tf.grad((e: tf.Tensor) => pick(model.forward({ target: { embeds: e as tf.Tensor3D } }).logits))(model.embed(ids));
      expect(maxAbsDiff(viaLayer, viaEmbeds)).toBeLessThan(1e-7);
      expect(tf.max(tf.abs(viaEmbeds)).dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it("without hooks the last block runs for the last position only: same logits and input gradients as the full forward", () => {
    tf.tidy(() => {
      const { ids, mask } = leftPad(fixture.cases.map((c) => c.input_ids));
      const embeds = model.embed(ids);
      const probe = tf.randomNormal([2, model.vocabSize], 0, 1, "float32", 3);
      const pick = (logits: tf.Tensor2D) => tf.sum(tf.mul(logits, probe));
      // a capture turns the hooks on, which keeps every position of every block
      const full = (e: tf.Tensor) => model.forward({ target: { embeds: e as tf.Tensor3D, mask } }, { capture: ["lm_head"] }).logits;
      const fast = (e: tf.Tensor) => model.forward({ target: { embeds: e as tf.Tensor3D, mask } }).logits;
      expect(maxAbsDiff(fast(embeds), full(embeds))).toBeLessThanOrEqual(1e-6);
      const g = tf.grad((e: tf.Tensor) => pick(fast(e)))(embeds);
      const gFull = tf.grad((e: tf.Tensor) => pick(full(e)))(embeds);
      expect(maxAbsDiff(g, gFull)).toBeLessThanOrEqual(1e-5);
      expect(tf.max(tf.abs(gFull)).dataSync()[0]).toBeGreaterThan(0.1);
    });
  });

  it("forward + backward run no transposed matMul kernel", () => {
    tf.tidy(() => {
      const embeds = model.embed(tf.tensor2d([fixture.cases[0].input_ids, fixture.cases[1].input_ids], undefined, "int32"));
      const calls = recordKernels(() => { tf.grad((e: tf.Tensor) => tf.sum(model.forward({ target: { embeds: e as tf.Tensor3D } }).logits))(embeds); });
      expect(calls.filter((k) => k.name === "BatchMatMul" || k.name === "_FusedMatMul").length).toBeGreaterThan(20);
      expect(transposedMatMuls(calls)).toEqual([]);
    });
  });

  it("unknown layer → UNKNOWN_LAYER listing the closest names", () => {
    const ids = tf.tensor2d([[2, 3]], undefined, "int32");
    expect(() => model.forward({ target: { ids } }, { capture: ["transformer.h.0.attn.c_atn"] })).toThrow(
      expect.objectContaining({ code: "UNKNOWN_LAYER", message: expect.stringContaining('"transformer.h.0.attn.c_attn"') }),
    );
    expect(() => model.forward({ target: { ids } }, { override: { "transformer.h.7:input": ids } })).toThrow(
      expect.objectContaining({ code: "UNKNOWN_LAYER", message: expect.stringContaining('"transformer.h.1"') }),
    );
    ids.dispose();
  });

  it("rejects overrides of the wrong shape, layers that did not run, and bad inputs", () => {
    tf.tidy(() => {
      const ids = tf.tensor2d([[2, 3, 4]], undefined, "int32");
      expect(() => model.forward({ target: { ids } }, { override: { "transformer.h.0": tf.zeros([1, 2, 32]) } })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      expect(() => model.forward({ target: { embeds: model.embed(ids) } }, { capture: ["transformer.wte"] })).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("did not run") }));
      expect(() => model.forward({ target: { ids: tf.zeros([1, 65], "int32") as tf.Tensor2D } })).toThrow(expect.objectContaining({ code: "INPUT_TOO_LONG" }));
      expect(() => model.forward({ target: { ids, mask: tf.ones([2, 3]) as tf.Tensor2D } })).toThrow(expect.objectContaining({ code: "BATCH_MISMATCH" }));
      expect(() => model.forward({ target: {} })).toThrow(expect.objectContaining({ code: "EMPTY_INPUT" }));
    });
  });

  it("leaks no tensor: forward inside tf.tidy, gradients, and disposing what forward returns", () => {
    const ids = tf.tensor2d([fixture.cases[0].input_ids], undefined, "int32");
    const start = tf.memory().numTensors;
    tf.tidy(() => { model.forward({ target: { ids } }, { capture: ["transformer.h.1", "transformer.wpe:input"] }); });
    expect(tf.memory().numTensors).toBe(start);
    const out = model.forward({ target: { ids } }, { capture: ["transformer.h.1"] });
    tf.dispose([out.logits, ...Object.values(out.captured)]);
    expect(tf.memory().numTensors).toBe(start);
    const embeds = model.embed(ids);
    tf.dispose(tf.grad((e: tf.Tensor) => tf.sum(model.forward({ target: { embeds: e as tf.Tensor3D } }).logits))(embeds));
    embeds.dispose();
    expect(tf.memory().numTensors).toBe(start);
    try { model.forward({ target: { ids } }, { capture: ["transformer.h.9"] }); } catch { /* expected */ }
    expect(tf.memory().numTensors).toBe(start);
    ids.dispose();
  });
});

describe("GPT-2 model lifetime", () => {
  it("dispose frees every weight; a disposed model refuses to run", async () => {
    await useBackend("cpu");
    const start = tf.memory().numTensors;
    const model = await loadTransformersModel(modelDir);
    expect(tf.memory().numTensors).toBe(start + 2 + 2 * 12 + 2);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    const ids = tf.tensor2d([[2]], undefined, "int32");
    expect(() => model.forward({ target: { ids } })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    ids.dispose();
  });
});
