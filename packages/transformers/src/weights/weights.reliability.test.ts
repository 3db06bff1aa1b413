// Hostile weight files through the real loader (docs/reliability.md): sharded indexes whose weight_map names files
// outside the model (../, absolute, URL schemes, percent-encoded dots, prototype keys), NaN / Infinity weights
// (NON_FINITE naming the tensor), a truncated shard. Every one is an InseqError raised before the file is read.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { encodeSafetensors, isInseqError, parseSafetensorsHeader, readSafetensorsTensor, type SafetensorsInput } from "@inseqjs/core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localModelFiles } from "../files/localModelFiles.js";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import type { ModelFiles } from "../files/ModelFiles.js";
import { urlModelFiles } from "../files/urlModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import { openSafetensorsWeights } from "./openSafetensorsWeights.js";

const gpt2Dir = fileURLToPath(new URL("../../../../models/tiny-gpt2/", import.meta.url));
const GPT2 = Object.fromEntries(readdirSync(gpt2Dir).map((f) => [f, new Uint8Array(readFileSync(join(gpt2Dir, f)))]));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** tiny-gpt2's tensors, optionally changed by `edit`. */
function tensors(edit?: (name: string, data: Float32Array) => void): Record<string, SafetensorsInput> {
  const bytes = GPT2["model.safetensors"];
  const header = parseSafetensorsHeader(bytes);
  return Object.fromEntries([...header.tensors].map(([name, e]) => {
    const data = readSafetensorsTensor(bytes, header, name);
    edit?.(name, data);
    return [name, { dtype: "F32", shape: e.shape, data }];
  }));
}

/** tiny-gpt2 split in two shards plus an index whose weight_map sends `victim` to `path`. */
function sharded(path?: string, victim = "transformer.wte.weight"): Record<string, Uint8Array | string> {
  const all = Object.entries(tensors());
  const half = Math.ceil(all.length / 2);
  const shards = [Object.fromEntries(all.slice(0, half)), Object.fromEntries(all.slice(half))];
  const weightMap: Record<string, string> = {};
  shards.forEach((s, i) => Object.keys(s).forEach((name) => (weightMap[name] = `model-0000${i + 1}-of-00002.safetensors`)));
  if (path !== undefined) weightMap[victim] = path;
  const { "model.safetensors": _, ...rest } = GPT2;
  return {
    ...rest,
    "model-00001-of-00002.safetensors": encodeSafetensors(shards[0]),
    "model-00002-of-00002.safetensors": encodeSafetensors(shards[1]),
    "model.safetensors.index.json": JSON.stringify({ metadata: {}, weight_map: weightMap }),
  };
}

/** `files` with every read recorded. */
function recording(files: ModelFiles): { files: ModelFiles; reads: string[] } {
  const reads: string[] = [];
  return { files: { location: files.location, read: (p) => (reads.push(p), files.read(p)) }, reads };
}

const HOSTILE = [
  "../tiny-marian/model.safetensors", "../../../../etc/passwd", "/etc/passwd", "C:\\model.safetensors", "C:/model.safetensors",
  "shards/../../x.safetensors", "https://evil.example/x.safetensors", "http:evil.example/x.safetensors", "data:application/octet-stream,AAAA",
  "%2e%2e/x.safetensors", "%2E%2E/%2e%2e/x.safetensors", "a\u0000b.safetensors", "", "a//b.safetensors",
];

describe("weights: hostile files are refused before they are read", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("a sharded checkpoint loads and gives the single-file model's logits (control)", async () => {
    const single = await loadTransformersModel(gpt2Dir);
    const shardedModel = await loadTransformersModel("sharded", { files: memoryModelFiles(sharded()) });
    try {
      tf.tidy(() => {
        const ids = tf.tensor2d([[2, 3, 4, 5]], undefined, "int32");
        const diff = tf.max(tf.abs(tf.sub(single.forward({ target: { ids } }).logits, shardedModel.forward({ target: { ids } }).logits)));
        expect(diff.dataSync()[0]).toBe(0);
      });
    } finally {
      single.dispose();
      shardedModel.dispose();
    }
  });

  it.each(HOSTILE)("weight_map path %j → MALFORMED_FILE, nothing outside the model read", async (path) => {
    const { files, reads } = recording(memoryModelFiles(sharded(path)));
    const err = await openSafetensorsWeights(files).then(() => undefined, (e: unknown) => e);
    expect(isInseqError(err, "MALFORMED_FILE"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/relative paths inside the model folder/);
    expect(reads).not.toContain(path);
  });

  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("weight_map path %j (an Object.prototype member) → MISSING_FILE, not a crash", async (path) => {
    const err = await openSafetensorsWeights(memoryModelFiles(sharded(path))).then(() => undefined, (e: unknown) => e);
    expect(isInseqError(err, "MISSING_FILE"), String(err)).toBe(true);
  });

  it("on disk: ../ in an index is refused before the file system is touched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inseqjs-shards-"));
    temps.push(dir);
    for (const [name, data] of Object.entries(sharded("../outside.safetensors"))) writeFileSync(join(dir, name), data);
    await expect(loadTransformersModel(dir)).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("../outside.safetensors") });
  });

  it("over http: no request leaves the model's base URL", async () => {
    const requested: string[] = [];
    const files = sharded("http:evil.example/x.safetensors");
    const fetchFn: typeof fetch = async (input) => {
      const url = String(input);
      requested.push(url);
      const path = url.slice("https://models.example/tiny/".length);
      const file = url.startsWith("https://models.example/tiny/") ? files[path] : undefined;
      return file === undefined ? new Response("", { status: 404 }) : new Response(typeof file === "string" ? file : new Uint8Array(file));
    };
    await expect(loadTransformersModel("https://models.example/tiny", { files: urlModelFiles("https://models.example/tiny/", { fetch: fetchFn }) })).rejects.toMatchObject({ code: "MALFORMED_FILE" });
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.every((u) => u.startsWith("https://models.example/tiny/"))).toBe(true);
  });

  it.each([NaN, Infinity, -Infinity])("a weight holding %s → NON_FINITE naming the tensor", async (bad) => {
    const poisoned = encodeSafetensors(tensors((name, data) => {
      if (name === "transformer.h.1.mlp.c_fc.weight") data[17] = bad;
    }));
    const before = tf.memory().numTensors;
    const err = await loadTransformersModel("poisoned", { files: memoryModelFiles({ ...GPT2, "model.safetensors": poisoned }) }).then(() => undefined, (e: unknown) => e);
    expect(isInseqError(err, "NON_FINITE"), String(err)).toBe(true);
    expect((err as Error).message).toContain("transformer.h.1.mlp.c_fc.weight");
    expect((err as Error).message).toMatch(/re-download|float32/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a shard truncated mid-tensor → MALFORMED_SAFETENSORS", async () => {
    const files = sharded();
    const shard = files["model-00002-of-00002.safetensors"] as Uint8Array;
    files["model-00002-of-00002.safetensors"] = shard.subarray(0, shard.length - 100);
    await expect(loadTransformersModel("truncated", { files: memoryModelFiles(files) })).rejects.toMatchObject({ code: "MALFORMED_SAFETENSORS" });
  });

  it("memoryModelFiles: names of Object.prototype members are missing files", async () => {
    const files = memoryModelFiles(GPT2);
    for (const name of ["constructor", "__proto__", "toString"]) await expect(files.read(name)).rejects.toMatchObject({ code: "MISSING_FILE" });
    const local = await localModelFiles(gpt2Dir);
    await expect(local.read("a\u0000b")).rejects.toMatchObject({ code: "MALFORMED_FILE" });
  });
});
