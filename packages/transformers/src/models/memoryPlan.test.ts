import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../loadTransformersModel.js";
import type { TransformersModel } from "./TransformersModel.js";

// The two memory plans of a decoder forward — query-chunked attention and per-block recomputation in the backward
// pass — must not change any number: logits against the PyTorch references with chunking forced on every length,
// and input gradients with recomputation on against off.

const root = new URL("../../../../", import.meta.url);
const dir = (path: string) => fileURLToPath(new URL(path, root));
const MODELS = {
  "tiny-gpt2": dir("models/tiny-gpt2"),
  llama: dir("test-data/models-arch/llama"),
  mistral: dir("test-data/models-arch/mistral"), // sliding window 4
  qwen2: dir("test-data/models-arch/qwen2"),
  gemma2: dir("test-data/models-arch/gemma2"), // soft-capped scores: always one-shot attention
} as const;
type Name = keyof typeof MODELS;
const REFERENCES: Partial<Record<Name, string>> = {
  llama: "test-data/expected-arch/llama/forward.json",
  mistral: "test-data/expected-arch/mistral/forward.json",
  qwen2: "test-data/expected-arch/qwen2/forward.json",
};

const relDiff = (a: tf.Tensor, b: tf.Tensor | number[][]): number =>
  tf.tidy(() => {
    const ref = b instanceof tf.Tensor ? b : tf.tensor(b);
    return tf.max(tf.abs(tf.sub(a, ref))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(ref)).dataSync()[0]);
  });

function leftPad(rows: number[][]): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const len = Math.max(...rows.map((r) => r.length));
  return {
    ids: tf.tensor2d(rows.map((r) => [...new Array(len - r.length).fill(0), ...r]), undefined, "int32"),
    mask: tf.tensor2d(rows.map((r) => [...new Array(len - r.length).fill(0), ...r.map(() => 1)]), undefined, "float32"),
  };
}

/** Two rows of pseudo-random ids (lengths `length` and `length − 7`, so the batch is left-padded). */
function inputRows(model: TransformersModel, length: number): number[][] {
  const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 2 + ((i * 31 + seed * 17) % (model.vocabSize - 2)));
  return [ids(length, 1), ids(length - 7, 2)];
}

/** Logits and `∂ logit[target] / ∂ embeddings` of a padded batch. */
function logitsAndGradients(model: TransformersModel, rows: number[][]): { logits: tf.Tensor; grads: tf.Tensor } {
  return tf.tidy(() => {
    const { ids, mask } = leftPad(rows);
    const embeds = model.embed(ids);
    const target = tf.oneHot(tf.tensor1d([5, 9], "int32"), model.vocabSize);
    const f = (e: tf.Tensor) => tf.sum(tf.mul(model.forward({ target: { embeds: e as tf.Tensor3D, mask } }).logits, target));
    const { grads } = tf.valueAndGrads(f)([embeds]);
    return { logits: model.forward({ target: { embeds, mask } }).logits, grads: grads[0] };
  });
}

describe.each(["cpu", "wasm"] as const)("memory plans on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(Object.keys(REFERENCES) as Name[])("%s: chunked attention on every prefix equals the PyTorch logits", async (name) => {
    const model = await loadTransformersModel(MODELS[name]);
    model.attentionChunking = { minKeys: 1, chunkSize: 2 };
    const c = JSON.parse(readFileSync(new URL(REFERENCES[name]!, root), "utf8")).cases[0] as { input_ids: number[]; logits_from_ids: number[][] };
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const { ids, mask } = leftPad(c.input_ids.map((_, t) => c.input_ids.slice(0, t + 1)));
      const logits = model.forward({ target: { ids, mask } }).logits;
      expect(tf.max(tf.abs(tf.sub(logits, c.logits_from_ids))).dataSync()[0]).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it.each(Object.keys(MODELS) as Name[])("%s: chunked attention and recomputation give the one-shot numbers (1e-6 relative)", async (name) => {
    const model = await loadTransformersModel(MODELS[name]);
    const rows = inputRows(model, Math.min(40, model.maxPositions));
    const start = tf.memory().numTensors;
    model.attentionChunking = { minKeys: 1e9, chunkSize: 256 };
    model.recompute = false;
    const plain = logitsAndGradients(model, rows);
    model.recompute = true;
    const recomputed = logitsAndGradients(model, rows);
    model.attentionChunking = { minKeys: 1, chunkSize: 8 };
    const both = logitsAndGradients(model, rows);
    model.recompute = false;
    const chunked = logitsAndGradients(model, rows);
    // Recomputation runs the same kernels in the same order: identical numbers.
    expect(relDiff(recomputed.logits, plain.logits)).toBe(0);
    expect(relDiff(recomputed.grads, plain.grads)).toBe(0);
    for (const other of [chunked, both]) {
      expect(relDiff(other.logits, plain.logits)).toBeLessThan(1e-6);
      expect(relDiff(other.grads, plain.grads)).toBeLessThan(1e-6);
    }
    tf.dispose([plain, recomputed, both, chunked].flatMap((r) => [r.logits, r.grads]));
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it("a capture inside a block turns recomputation off for that block and still returns the activation", async () => {
    const model = await loadTransformersModel(MODELS.llama);
    model.recompute = true;
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const { ids, mask } = leftPad(inputRows(model, 12));
      const embeds = model.embed(ids);
      let captured: tf.Tensor | undefined;
      const g = tf.grads((e: tf.Tensor) => {
        const out = model.forward({ target: { embeds: e as tf.Tensor3D, mask } }, { capture: ["model.layers.1.mlp"] });
        captured = out.captured["model.layers.1.mlp"];
        return tf.sum(out.logits);
      })([embeds]);
      expect(captured!.shape).toEqual([2, 12, model.hiddenSize]);
      model.recompute = false;
      const reference = tf.grads((e: tf.Tensor) => tf.sum(model.forward({ target: { embeds: e as tf.Tensor3D, mask } }).logits))([embeds]);
      expect(relDiff(g[0], reference[0])).toBe(0);
    });
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });
});
