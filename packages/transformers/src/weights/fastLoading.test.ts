// The fast loading path: whole files read into one buffer, safetensors read at random from disk, weights written
// straight into the wasm heap (transposed and converted in the same pass), and the same values on every path —
// memory or disk, aligned or not, cpu or wasm — with NaN / Infinity still refused (NON_FINITE) and nothing leaked.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { isInseqError } from "@inseqjs/core";
import { afterAll, describe, expect, it } from "vitest";
import { localModelFiles } from "../files/localModelFiles.js";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { openRandomAccessFile } from "../files/randomAccessFile.js";
import { readFileBytes } from "../files/readFileBytes.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import { openSafetensorsWeights } from "./openSafetensorsWeights.js";
import { ParameterStore } from "./ParameterStore.js";
import type { WeightSource } from "./WeightSource.js";

const gpt2Dir = fileURLToPath(new URL("../../../../models/tiny-gpt2/", import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "inseqjs-fastload-"));
  temps.push(d);
  return d;
};

type Dtype = "F32" | "F16" | "BF16";
/** Values every dtype stores exactly (small multiples of 1/8). */
const exact = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7 + seed * 13) % 41) - 20) / 8);

function encode(dtype: Dtype, values: Float32Array): Uint8Array {
  const width = dtype === "F32" ? 4 : 2;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === "F32") view.setFloat32(i * 4, values[i], true);
    else if (dtype === "BF16") view.setUint16(i * 2, bits[i] >>> 16, true);
    else {
      // exact small values only: sign, rebased exponent, top 10 mantissa bits
      const x = bits[i];
      const e = (x >>> 23) & 0xff;
      const sign = (x >>> 16) & 0x8000;
      view.setUint16(i * 2, e === 0 ? sign : e === 0xff ? sign | 0x7c00 | ((x & 0x7fffff) !== 0 ? 0x200 : 0) : sign | ((e - 127 + 15) << 10) | ((x >>> 13) & 0x3ff), true);
    }
  }
  return out;
}

/** A safetensors file of `tensors` (raw dtypes, BF16 included), with `pad` filler bytes first to unalign the rest. */
function safetensorsFile(tensors: Record<string, { dtype: Dtype; shape: number[]; values: Float32Array }>, pad = 0): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  if (pad) {
    header.pad = { dtype: "U8", shape: [pad], data_offsets: [0, pad] };
    parts.push(new Uint8Array(pad));
    offset = pad;
  }
  for (const [name, t] of Object.entries(tensors)) {
    const data = encode(t.dtype, t.values);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + data.length] };
    parts.push(data);
    offset += data.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const file = new Uint8Array(8 + head.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
  file.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    file.set(p, at);
    at += p.length;
  }
  return file;
}

/** First index where `a` and `b` differ (by value; NaN equals NaN), or -1: large arrays compared without a diff. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const transpose = (v: Float32Array, rows: number, cols: number) => {
  const out = new Float32Array(v.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = v[i * cols + j];
  return out;
};

describe("whole-file reads and random access (Node)", () => {
  it("readFileBytes: the file's bytes in one buffer of its size, at byteOffset 0", async () => {
    const dir = tempDir();
    const data = Uint8Array.from({ length: 100_003 }, (_, i) => i * 31);
    writeFileSync(join(dir, "f.bin"), data);
    writeFileSync(join(dir, "empty"), new Uint8Array(0));
    const bytes = await readFileBytes(join(dir, "f.bin"));
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(data.length);
    expect(Buffer.compare(bytes, data)).toBe(0);
    expect((await readFileBytes(join(dir, "empty"))).length).toBe(0);
    await expect(readFileBytes(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("openRandomAccessFile: positional reads, short at the end, again after the descriptor closed; a changed file is refused", async () => {
    const dir = tempDir();
    const path = join(dir, "f.bin");
    writeFileSync(path, Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const file = (await openRandomAccessFile(path))!;
    expect(file.size).toBe(1000);
    const piece = new Uint8Array(10);
    expect(file.readSync(piece, 300)).toBe(10);
    expect([...piece]).toEqual(Array.from({ length: 10 }, (_, i) => (300 + i) & 0xff));
    expect(file.readSync(new Uint8Array(10), 995)).toBe(5);
    await Promise.resolve(); // the descriptor closes once the synchronous run ends
    expect(file.readSync(piece, 0)).toBe(10);
    expect(piece[9]).toBe(9);
    await Promise.resolve();
    writeFileSync(path, new Uint8Array(10));
    expect(() => file.readSync(piece, 0)).toThrow(expect.objectContaining({ code: "MALFORMED_FILE" }));
    expect(await openRandomAccessFile(dir)).toBeUndefined(); // not a regular file
  });

  it("localModelFiles.open: MISSING_FILE for a missing file, MALFORMED_FILE for a path outside the folder", async () => {
    const files = await localModelFiles(gpt2Dir);
    await expect(files.open!("nope.safetensors")).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("nope.safetensors") });
    await expect(files.open!("../tiny-marian/model.safetensors")).rejects.toMatchObject({ code: "MALFORMED_FILE" });
    expect((await files.open!("model.safetensors"))!.size).toBe(readFileSync(join(gpt2Dir, "model.safetensors")).length);
  });
});

describe("safetensors weights: the same values from memory and from disk, for every dtype", () => {
  const tensors = {
    "a.weight": { dtype: "F32" as const, shape: [67, 130], values: exact(67 * 130, 1) },
    "b.weight": { dtype: "BF16" as const, shape: [130, 67], values: exact(130 * 67, 2) },
    "c.weight": { dtype: "F16" as const, shape: [33, 65], values: exact(33 * 65, 3) },
    // more than one 1 MiB piece, so that piecewise reads are exercised
    "d.weight": { dtype: "BF16" as const, shape: [700, 1000], values: exact(700_000, 4) },
    "e.weight": { dtype: "F32" as const, shape: [300, 1000], values: exact(300_000, 5) },
    "f.bias": { dtype: "F16" as const, shape: [1, 7], values: exact(7, 6) },
  };
  const shapes = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.shape]));

  async function sources(pad: number): Promise<Record<string, WeightSource>> {
    const file = safetensorsFile(tensors, pad);
    const dir = tempDir();
    writeFileSync(join(dir, "model.safetensors"), file);
    // memory bytes placed at an odd offset of their buffer: every tensor is unaligned there
    const odd = new Uint8Array(new ArrayBuffer(file.length + 1), 1);
    odd.set(file);
    return {
      disk: await openSafetensorsWeights(await localModelFiles(dir)),
      memory: await openSafetensorsWeights(memoryModelFiles({ "model.safetensors": file })),
      unaligned: await openSafetensorsWeights(memoryModelFiles({ "model.safetensors": odd })),
    };
  }

  it.each([0, 1, 2])("read, readFloat32 and readInto agree (data shifted by %i bytes)", async (pad) => {
    for (const [kind, source] of Object.entries(await sources(pad))) {
      for (const [name, t] of Object.entries(tensors)) {
        const [rows, cols] = shapes[name];
        const where = `${kind} ${name}`;
        const transposed = transpose(t.values, rows, cols);
        expect(firstDifference(source.read(name), t.values), where).toBe(-1);
        expect(firstDifference(source.readFloat32!(name).values, t.values), where).toBe(-1);
        expect(firstDifference(source.readFloat32!(name, { transpose: true }).values, transposed), where).toBe(-1);
        const into = new Float32Array(t.values.length);
        expect(source.readInto!(name, into), where).toBe(true);
        expect(firstDifference(into, t.values), where).toBe(-1);
        expect(source.readInto!(name, into, { transpose: true }), where).toBe(true);
        expect(firstDifference(into, transposed), where).toBe(-1);
      }
    }
  });

  it("aligned F32 in memory is a view of the file's bytes; read() always hands out a copy", async () => {
    const file = safetensorsFile(tensors);
    const source = await openSafetensorsWeights(memoryModelFiles({ "model.safetensors": file }));
    expect(source.readFloat32!("a.weight").values.buffer).toBe(file.buffer);
    expect(source.read("a.weight").buffer).not.toBe(file.buffer);
    const { unaligned } = await sources(0);
    expect(unaligned.readFloat32!("a.weight").values.buffer).not.toBe(file.buffer);
  });

  it("readInto reports NaN / Infinity from disk and memory, as stored and transposed", async () => {
    for (const [dtype, bad] of [["F32", NaN], ["BF16", Infinity], ["F16", -Infinity]] as const) {
      const values = exact(300_000, 7);
      values[299_999] = bad;
      const file = safetensorsFile({ w: { dtype, shape: [300, 1000], values } });
      const dir = tempDir();
      writeFileSync(join(dir, "model.safetensors"), file);
      for (const source of [await openSafetensorsWeights(await localModelFiles(dir)), await openSafetensorsWeights(memoryModelFiles({ "model.safetensors": file }))]) {
        const into = new Float32Array(300_000);
        expect(source.readInto!("w", into), dtype).toBe(false);
        expect(source.readInto!("w", into, { transpose: true }), dtype).toBe(false);
      }
    }
  });

  it("a shard truncated after it was opened → MALFORMED_SAFETENSORS or MALFORMED_FILE, not a short tensor", async () => {
    const dir = tempDir();
    const file = safetensorsFile(tensors);
    writeFileSync(join(dir, "model.safetensors"), file);
    const source = await openSafetensorsWeights(await localModelFiles(dir));
    writeFileSync(join(dir, "model.safetensors"), file.subarray(0, file.length - 10));
    const err = (() => {
      try {
        source.read("e.weight");
      } catch (e) {
        return e;
      }
    })();
    expect(isInseqError(err, "MALFORMED_FILE") || isInseqError(err, "MALFORMED_SAFETENSORS"), String(err)).toBe(true);
  });
});

describe.each(["cpu", "wasm"] as const)("ParameterStore on %s", (backend) => {
  it("as stored and transposed parameters from disk equal the stored values; wasm writes them in place", async () => {
    await useBackend(backend);
    const dir = tempDir();
    const values = exact(130 * 67, 8);
    writeFileSync(join(dir, "model.safetensors"), safetensorsFile({ w: { dtype: "BF16", shape: [130, 67], values }, v: { dtype: "F32", shape: [1, 67], values: exact(67, 9) } }));
    const source = await openSafetensorsWeights(await localModelFiles(dir));
    const calls: string[] = [];
    const spied: WeightSource = {
      ...source,
      readFloat32: (name, o) => (calls.push(`readFloat32 ${name}`), source.readFloat32!(name, o)),
      readInto: (name, dst, o) => (calls.push(`readInto ${name}`), source.readInto!(name, dst, o)),
    };
    const before = tf.memory().numTensors;
    const store = new ParameterStore(spied, "Test");
    const stored = store.get("w", [130, 67]);
    const linear = store.get("w", [67, 130], "transposed");
    const vector = store.get("v", [67]); // stored [1, 67]
    expect(firstDifference(stored.dataSync() as Float32Array, values)).toBe(-1);
    expect(firstDifference(linear.dataSync() as Float32Array, transpose(values, 130, 67))).toBe(-1);
    expect(firstDifference(vector.dataSync() as Float32Array, exact(67, 9))).toBe(-1);
    expect(store.get("w", [130, 67])).toBe(stored); // loaded once
    expect(calls.every((c) => c.startsWith(backend === "wasm" ? "readInto" : "readFloat32")), calls.join()).toBe(true);
    store.finishLoading();
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a NaN in a weight read transposed → NON_FINITE naming its index as stored, nothing leaked", async () => {
    await useBackend(backend);
    const dir = tempDir();
    const values = exact(130 * 67, 10);
    values[200] = NaN;
    writeFileSync(join(dir, "model.safetensors"), safetensorsFile({ w: { dtype: "BF16", shape: [130, 67], values } }));
    const store = new ParameterStore(await openSafetensorsWeights(await localModelFiles(dir)), "Test");
    const before = tf.memory().numTensors;
    expect(() => store.get("w", [67, 130], "transposed")).toThrow(expect.objectContaining({ code: "NON_FINITE", message: expect.stringContaining("flat index 200 of 8710") }));
    expect(tf.memory().numTensors).toBe(before);
    store.dispose();
  });

  it("tiny-gpt2 from disk gives the logits of the in-memory files; a NaN weight on disk → NON_FINITE, nothing leaked", async () => {
    await useBackend(backend);
    const files = Object.fromEntries(["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "model.safetensors"].map((f) => [f, new Uint8Array(readFileSync(join(gpt2Dir, f)))]));
    const fromDisk = await loadTransformersModel(gpt2Dir);
    const fromMemory = await loadTransformersModel("memory", { files: memoryModelFiles(files) });
    tf.tidy(() => {
      const ids = tf.tensor2d([[2, 3, 4, 5]], undefined, "int32");
      const diff = tf.max(tf.abs(tf.sub(fromDisk.forward({ target: { ids } }).logits, fromMemory.forward({ target: { ids } }).logits)));
      expect(diff.dataSync()[0]).toBe(0);
    });
    fromDisk.dispose();
    fromMemory.dispose();

    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const bytes = files["model.safetensors"];
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const [begin] = header["transformer.h.1.mlp.c_fc.weight"].data_offsets as [number, number];
    const poisoned = bytes.slice();
    new DataView(poisoned.buffer).setFloat32(8 + headerLength + begin + 4 * 17, NaN, true);
    writeFileSync(join(dir, "model.safetensors"), poisoned);
    const before = tf.memory().numTensors;
    const err = await loadTransformersModel(dir).then(() => undefined, (e: unknown) => e);
    expect(isInseqError(err, "NON_FINITE"), String(err)).toBe(true);
    expect((err as Error).message).toContain("transformer.h.1.mlp.c_fc.weight");
    expect((err as Error).message).toContain("flat index 17 ");
    expect(tf.memory().numTensors).toBe(before);
  });
});
