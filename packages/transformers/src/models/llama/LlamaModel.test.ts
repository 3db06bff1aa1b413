import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { recordKernels, transposedMatMuls, useBackend } from "@inseqjs/backend-tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryModelFiles } from "../../files/memoryModelFiles.js";
import { loadTransformersModel } from "../../loadTransformersModel.js";
import type { TransformersModel } from "../TransformersModel.js";
import { LlamaModel } from "./LlamaModel.js";

const root = new URL("../../../../../", import.meta.url);
/** The tiny fixture models of test-data/models-arch (built by tooling/llama-fixtures, one per family feature set). */
const MODELS = ["llama", "llama-dynamic", "smollm", "mistral", "qwen2", "qwen3", "gemma", "gemma2"] as const;
const modelDir = (name: string) => fileURLToPath(new URL(`test-data/models-arch/${name}`, root));
interface ForwardCase { input_ids: number[]; logits_from_ids: number[][] }
const forwardCase = (name: string): ForwardCase => JSON.parse(readFileSync(new URL(`test-data/expected-arch/${name}/forward.json`, root), "utf8")).cases[0];

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor | number[][]): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor(b)))).dataSync()[0]);

/** Rows left-padded with `pad` to the longest, and their (batch, len) float mask. */
function leftPad(rows: number[][], pad = 0): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...new Array(len - r.length).fill(pad), ...r]);
  const mask = rows.map((r) => [...new Array(len - r.length).fill(0), ...r.map(() => 1)]);
  return { ids: tf.tensor2d(ids, undefined, "int32"), mask: tf.tensor2d(mask, undefined, "float32") };
}
const row = (ids: number[]) => tf.tensor2d([ids], undefined, "int32");

describe.each(["cpu", "wasm"] as const)("Llama-family logits on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it.each(MODELS)("%s: logits of every prefix equal the PyTorch reference (atol 1e-4), from ids and embeddings, in one left-padded batch", async (name) => {
    const model = await loadTransformersModel(modelDir(name));
    const c = forwardCase(name);
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const { ids, mask } = leftPad(c.input_ids.map((_, t) => c.input_ids.slice(0, t + 1)));
      expect(maxAbsDiff(model.forward({ target: { ids, mask } }).logits, c.logits_from_ids)).toBeLessThan(1e-4);
      expect(maxAbsDiff(model.forward({ target: { embeds: model.embed(ids), mask } }).logits, c.logits_from_ids)).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });
});

describe.each(MODELS)("%s on wasm", (name) => {
  let model: TransformersModel;
  const c = forwardCase(name);
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel(modelDir(name));
  });
  afterAll(() => model.dispose());

  it("a left-padded row gives exactly the unpadded row's logits (1e-5)", () => {
    tf.tidy(() => {
      const full = c.input_ids;
      const short = full.slice(0, Math.ceil(full.length / 2));
      const { ids, mask } = leftPad([full, short]);
      const batched = model.forward({ target: { ids, mask } }).logits;
      expect(maxAbsDiff(tf.slice(batched, [1, 0], [1, -1]), model.forward({ target: { ids: row(short) } }).logits)).toBeLessThan(1e-5);
      expect(maxAbsDiff(tf.slice(batched, [0, 0], [1, -1]), model.forward({ target: { ids: row(full) } }).logits)).toBeLessThan(1e-5);
    });
  });

  it("captures and overrides model.layers.0 and its submodules under Hugging Face names", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const ids = row(c.input_ids);
      const names = ["model.layers.0", "model.layers.1:input", "model.embed_tokens", "model.layers.0.self_attn", "model.layers.0.mlp", "model.layers.0.mlp.act_fn", "model.norm", "lm_head"];
      const base = model.forward({ target: { ids } }, { capture: names });
      const { captured } = base;
      const [len, hidden] = [c.input_ids.length, model.hiddenSize];
      expect(captured["model.layers.0"].shape).toEqual([1, len, hidden]);
      expect(maxAbsDiff(captured["model.layers.1:input"], captured["model.layers.0"])).toBe(0);
      expect(maxAbsDiff(tf.mul(captured["model.embed_tokens"], model.embedScale), model.embed(ids))).toBeLessThan(1e-6);
      expect(captured["model.layers.0.mlp.act_fn"].shape).toEqual([1, len, (model as LlamaModel).config.intermediateSize]);
      expect(captured.lm_head.shape).toEqual([1, model.vocabSize]);
      const same = model.forward({ target: { ids } }, { override: { "model.layers.0": captured["model.layers.0"] } });
      expect(maxAbsDiff(same.logits, base.logits)).toBeLessThanOrEqual(1e-6);
      const zeroed = model.forward({ target: { ids } }, { override: { "model.layers.0.mlp": tf.zerosLike(captured["model.layers.0.mlp"]) } });
      expect(maxAbsDiff(zeroed.logits, base.logits)).toBeGreaterThan(1e-3);
      // overriding the first layer's output with its input skips the layer
      const skipped = model.forward({ target: { ids } }, { override: { "model.layers.0": tf.mul(captured["model.embed_tokens"], model.embedScale) } });
      expect(maxAbsDiff(skipped.logits, base.logits)).toBeGreaterThan(1e-3);
    });
    expect(tf.memory().numTensors).toBe(start);
  });

  it("the gradient through an embedding-layer override equals the gradient w.r.t. input embeddings × embedScale", () => {
    tf.tidy(() => {
      const ids = row(c.input_ids);
      const table = tf.gather(model.vocabularyEmbeddings(), ids) as unknown as tf.Tensor3D;
      const pick = (logits: tf.Tensor2D) => tf.sum(tf.slice(tf.softmax(logits), [0, 7], [1, 1]));
      const viaLayer = tf.grad((e: tf.Tensor) => pick(model.forward({ target: { ids } }, { override: { "model.embed_tokens": e } }).logits))(table);
      const viaEmbeds = tf.grad((e: tf.Tensor) => pick(model.forward({ target: { embeds: e as tf.Tensor3D } }).logits))(model.embed(ids));
      expect(maxAbsDiff(viaLayer, tf.mul(viaEmbeds, model.embedScale))).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(viaEmbeds)).dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it("forward + backward run no transposed matMul kernel and leak no tensor", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const { mask } = leftPad([c.input_ids, c.input_ids.slice(0, 3)]);
      const embeds = model.embed(leftPad([c.input_ids, c.input_ids.slice(0, 3)]).ids);
      const calls = recordKernels(() => { tf.grad((e: tf.Tensor) => tf.sum(model.forward({ target: { embeds: e as tf.Tensor3D, mask } }).logits))(embeds); });
      expect(calls.filter((k) => k.name === "BatchMatMul").length).toBeGreaterThan(10);
      expect(transposedMatMuls(calls)).toEqual([]);
    });
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe("Llama-family model description", () => {
  beforeAll(async () => { await useBackend("cpu"); });

  it("reads class, special tokens, embedding scale and layer names from the files", async () => {
    const expected = {
      llama: ["LlamaForCausalLM", { bos: 1, eos: 2, pad: undefined, unk: 0 }, 1, 3 + 2 * 13],
      smollm: ["LlamaForCausalLM", { bos: 1, eos: 2, pad: 2, unk: 0 }, 1, 3 + 2 * 13],
      qwen3: ["Qwen3ForCausalLM", { bos: 0, eos: 2, pad: 0, unk: 3 }, 1, 3 + 2 * 15],
      gemma: ["GemmaForCausalLM", { bos: 2, eos: 1, pad: 0, unk: 3 }, Math.sqrt(32), 3 + 2 * 13],
      gemma2: ["Gemma2ForCausalLM", { bos: 2, eos: 1, pad: 0, unk: 3 }, Math.sqrt(32), 3 + 2 * 15],
    } as const;
    for (const [name, [cls, special, scale, layers]] of Object.entries(expected)) {
      const start = tf.memory().numTensors;
      const model = await loadTransformersModel(modelDir(name));
      expect([model.modelClass, model.isEncoderDecoder, model.embedScale, model.layerNames().length], name).toEqual([cls, false, scale, layers]);
      expect(model.specialTokens, name).toEqual(special);
      expect(model.embeddingLayers).toEqual({ target: "model.embed_tokens" });
      expect(model.layerNames()).toContain("model.layers.1.mlp.down_proj");
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it("a tokenizer with neither unk nor pad token (Llama 3) pads with eos", async () => {
    const dir = modelDir("llama");
    const file = (f: string) => readFileSync(`${dir}/${f}`);
    const tokenizer = JSON.parse(file("tokenizer.json").toString());
    delete tokenizer.model.unk_token;
    const config = JSON.parse(file("tokenizer_config.json").toString());
    delete config.unk_token;
    const files = memoryModelFiles({ "config.json": file("config.json"), "model.safetensors": file("model.safetensors"), "tokenizer.json": JSON.stringify(tokenizer), "tokenizer_config.json": JSON.stringify(config) });
    const model = await loadTransformersModel("llama-without-unk", { files });
    expect(model.specialTokens).toEqual({ bos: 1, eos: 2, pad: 2, unk: undefined });
    model.dispose();
  });

  it("rejects inputs past max_position_embeddings (× factor under dynamic scaling) and unknown layers", async () => {
    const model = await loadTransformersModel(modelDir("llama-dynamic"));
    expect(model.maxPositions).toBe(16);
    tf.tidy(() => {
      expect(() => model.forward({ target: { ids: tf.zeros([1, 17], "int32") as tf.Tensor2D } })).toThrow(expect.objectContaining({ code: "INPUT_TOO_LONG" }));
      expect(() => model.forward({ target: { ids: row([1, 2]) } }, { capture: ["model.layers.0.self_attn.q_prj"] })).toThrow(
        expect.objectContaining({ code: "UNKNOWN_LAYER", message: expect.stringContaining('"model.layers.0.self_attn.q_proj"') }),
      );
    });
    model.dispose();
  });
});
