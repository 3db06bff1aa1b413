import { readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { encodeSafetensors, parseSafetensorsHeader, readSafetensorsTensor } from "@inseqjs/core";
import type { SafetensorsInput } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryModelFiles } from "./files/memoryModelFiles.js";
import { loadTransformersModel } from "./loadTransformersModel.js";
import { supportedModelTypes } from "./models/architectureRegistry.js";

const gpt2Dir = fileURLToPath(new URL("../../../models/tiny-gpt2", import.meta.url));
const gpt2Files: Record<string, Uint8Array | string> = Object.fromEntries(readdirSync(gpt2Dir).map((f) => [f, new Uint8Array(readFileSync(join(gpt2Dir, f)))]));
const config = JSON.parse(readFileSync(join(gpt2Dir, "config.json"), "utf8"));
const withFiles = (changes: Record<string, Uint8Array | string | undefined>) => {
  const files = { ...gpt2Files, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete files[k];
  return memoryModelFiles(files as Record<string, Uint8Array | string>, "test-model");
};
const load = (changes: Record<string, Uint8Array | string | undefined>) => loadTransformersModel("test-model", { files: withFiles(changes) });

/** The tiny GPT-2 tensors, re-encoded with `dtype` and split over `parts` shard files. */
function reencode(dtype: "F32" | "F16", parts: number): Record<string, Uint8Array | string> {
  const bytes = gpt2Files["model.safetensors"] as Uint8Array;
  const header = parseSafetensorsHeader(bytes);
  const names = [...header.tensors.keys()];
  const shards: Record<string, SafetensorsInput>[] = Array.from({ length: parts }, () => ({}));
  names.forEach((n, i) => { shards[i % parts][n] = { dtype, shape: header.tensors.get(n)!.shape, data: readSafetensorsTensor(bytes, header, n) }; });
  if (parts === 1) return { "model.safetensors": encodeSafetensors(shards[0]) };
  const out: Record<string, Uint8Array | string> = {};
  const weightMap: Record<string, string> = {};
  shards.forEach((s, i) => {
    const file = `model-0000${i + 1}-of-0000${parts}.safetensors`;
    out[file] = encodeSafetensors(s);
    for (const n of Object.keys(s)) weightMap[n] = file;
  });
  out["model.safetensors.index.json"] = JSON.stringify({ metadata: {}, weight_map: weightMap });
  return out;
}

async function lastLogits(files: Record<string, Uint8Array | string | undefined>): Promise<Float32Array> {
  const model = await load(files);
  const ids = tf.tensor2d([[2, 123, 125, 103]], undefined, "int32");
  const logits = model.forward({ target: { ids } }).logits;
  const data = logits.dataSync() as Float32Array;
  tf.dispose([ids, logits]);
  model.dispose();
  return data;
}

describe("loadTransformersModel", () => {
  beforeAll(async () => { await useBackend("cpu"); });

  it("reports the supported model types", () => {
    expect(supportedModelTypes()).toEqual(expect.arrayContaining(["gpt2", "marian", "llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2"]));
  });

  it("unsupported model_type → UNSUPPORTED_MODEL_TYPE listing the supported ones", async () => {
    await expect(load({ "config.json": JSON.stringify({ ...config, model_type: "falcon" }) })).rejects.toMatchObject({
      code: "UNSUPPORTED_MODEL_TYPE",
      message: expect.stringMatching(/"falcon".*gpt2, marian/),
    });
  });

  it("malformed config.json → MALFORMED_FILE naming the file or the field", async () => {
    await expect(load({ "config.json": "{ nope" })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("config.json") });
    await expect(load({ "config.json": JSON.stringify({ ...config, model_type: undefined }) })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("model_type") });
    await expect(load({ "config.json": JSON.stringify({ ...config, n_embd: "32" }) })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining('"n_embd" must be a positive integer') });
    await expect(load({ "config.json": JSON.stringify({ ...config, n_head: 5 }) })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("divisible") });
  });

  it("config that does not match the weights → MALFORMED_FILE naming the weight", async () => {
    await expect(load({ "config.json": JSON.stringify({ ...config, n_layer: 3 }) })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("transformer.h.2") });
    await expect(load({ "config.json": JSON.stringify({ ...config, vocab_size: 200 }) })).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("[176, 32]") });
  });

  it("missing files → MISSING_FILE naming them", async () => {
    await expect(load({ "config.json": undefined })).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("config.json") });
    await expect(load({ "tokenizer.json": undefined })).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("tokenizer.json") });
    await expect(load({ "model.safetensors": undefined })).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("model.safetensors") });
    await expect(loadTransformersModel("./no/such/model")).rejects.toMatchObject({ code: "MISSING_FILE" });
  });

  it("a hub id without network → NETWORK_UNAVAILABLE (the fetch passed in throws; nothing touches the network)", async () => {
    const cacheDir = join(tmpdir(), `inseqjs-empty-cache-${process.pid}`);
    const offline: typeof fetch = async () => { throw new TypeError("fetch failed"); };
    await expect(loadTransformersModel("openai-community/gpt2", { fetch: offline, cacheDir })).rejects.toMatchObject({
      code: "NETWORK_UNAVAILABLE",
      message: expect.stringContaining("pass its local folder"),
    });
  });

  it("sharded safetensors (model.safetensors.index.json) load to the same logits", async () => {
    const reference = await lastLogits({});
    const sharded = await lastLogits({ "model.safetensors": undefined, ...reencode("F32", 3) });
    expect(Array.from(sharded)).toEqual(Array.from(reference));
  });

  it("F16 weights load (converted to float32) and stay close to the F32 logits", async () => {
    const reference = await lastLogits({});
    const half = await lastLogits(reencode("F16", 1));
    const worst = half.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.05);
  });

  it("a shard index pointing outside the model folder is refused", async () => {
    const files = { "model.safetensors": undefined, "model.safetensors.index.json": JSON.stringify({ weight_map: { "transformer.wte.weight": "../evil.safetensors" } }) };
    await expect(load(files)).rejects.toMatchObject({ code: "MALFORMED_FILE" });
  });
});
