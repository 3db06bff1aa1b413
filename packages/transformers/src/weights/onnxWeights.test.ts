import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { localModelFiles } from "../files/localModelFiles.js";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import { parseOnnxModel } from "./onnxModelProto.js";
import { openOnnxWeights } from "./onnxWeights.js";

const root = new URL("../../../../", import.meta.url);
const dir = (name: string) => fileURLToPath(new URL(name, root));
const bytesOf = (path: string) => new Uint8Array(readFileSync(new URL(path, root)));

// --- a minimal protobuf / ONNX writer for synthetic and malformed files ---
const varint = (v: number): number[] => {
  const out: number[] = [];
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const field = (n: number, data: number[]): number[] => [...varint(n * 8 + 2), ...varint(data.length), ...data];
const str = (n: number, s: string) => field(n, [...new TextEncoder().encode(s)]);
const int = (n: number, v: number) => [...varint(n * 8), ...varint(v)];
const f32 = (values: number[]) => [...new Uint8Array(new Float32Array(values).buffer)];
interface TensorSpec { name: string; dims: number[]; values?: number[]; dataType?: number; raw?: boolean; external?: { location: string; offset: number; length: number } }
const tensor = (t: TensorSpec): number[] => [
  ...t.dims.flatMap((d) => int(1, d)),
  ...int(2, t.dataType ?? 1),
  ...str(8, t.name),
  ...(t.values ? (t.raw === false ? field(4, f32(t.values)) : field(9, f32(t.values))) : []),
  ...(t.external
    ? [...Object.entries({ location: t.external.location, offset: String(t.external.offset), length: String(t.external.length) }).flatMap(([k, v]) => field(13, [...str(1, k), ...str(2, v)])), ...int(14, 1)]
    : []),
];
const node = (name: string, op: string, inputs: string[], ints: Record<string, number> = {}): number[] => [
  ...inputs.flatMap((i) => str(1, i)),
  ...str(2, `${name}_output_0`),
  ...str(3, name),
  ...str(4, op),
  ...Object.entries(ints).flatMap(([k, v]) => field(5, [...str(1, k), ...int(3, v), ...int(20, 2)])),
];
const onnxModel = (initializers: TensorSpec[], nodes: number[][]): Uint8Array =>
  new Uint8Array([...int(1, 8), ...field(7, [...nodes.flatMap((n) => field(1, n)), ...str(2, "g"), ...initializers.flatMap((t) => field(5, tensor(t)))])]);

describe("ONNX weights of transformers.js repositories", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it.each(["onnx-gpt2", "onnx-gpt2-external"])("%s: an ONNX-only GPT-2 gives the safetensors tiny-gpt2's logits", async (folder) => {
    const reference = await loadTransformersModel(dir("models/tiny-gpt2"));
    const model = await loadTransformersModel(dir(`test-data/models-arch/${folder}`));
    try {
      tf.tidy(() => {
        const ids = tf.tensor2d([[5, 6, 7, 8, 9, 10], [1, 1, 20, 30, 40, 50]], undefined, "int32");
        const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]]);
        const a = reference.forward({ target: { ids, mask } }).logits;
        const b = model.forward({ target: { ids, mask } }).logits;
        expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
        expect(tf.max(tf.abs(a)).dataSync()[0]).toBeGreaterThan(0.1);
      });
      expect(model.modelClass).toBe("GPT2LMHeadModel");
    } finally {
      reference.dispose();
      model.dispose();
    }
  });

  it("maps exporter-renamed weights through the graph: Conv1D kept (in, out), nn.Linear transposed to (out, in)", async () => {
    const inline = await openOnnxWeights(await localModelFiles(dir("test-data/models-arch/onnx-gpt2")), { modelType: "gpt2" });
    const external = await openOnnxWeights(await localModelFiles(dir("test-data/models-arch/onnx-gpt2-external")), { modelType: "gpt2" });
    // onnx-gpt2-external renamed every Gemm weight to onnx::Gemm_<n>; lm_head is a folded onnx::MatMul_* copy in both
    for (const name of ["transformer.h.0.attn.c_attn.weight", "transformer.h.1.mlp.c_proj.weight", "transformer.wte.weight", "transformer.ln_f.bias"]) {
      expect(external.shape(name)).toEqual(inline.shape(name));
      expect(external.read(name)).toEqual(inline.read(name));
    }
    expect(external.shape("transformer.h.0.attn.c_attn.weight")).toEqual([32, 96]);
    expect(inline.shape("lm_head.weight")).toEqual([176, 32]);
    expect(inline.read("lm_head.weight")).toEqual(inline.read("transformer.wte.weight"));
    expect(inline.location).toContain("onnx/model.onnx");
  });

  it("refuses a quantized-only repository, naming the missing float32 file", async () => {
    await expect(loadTransformersModel(dir("test-data/models-arch/onnx-gpt2-quantized"))).rejects.toMatchObject({
      code: "MISSING_FILE",
      message: expect.stringMatching(/model\.safetensors.*onnx\/model\.onnx is missing.*[Qq]uantized/s),
    });
  });

  it("refuses an onnx/model.onnx holding quantized weights", async () => {
    const files = memoryModelFiles({ "onnx/model.onnx": bytesOf("test-data/models-arch/onnx-gpt2-quantized/onnx/model_quantized.onnx") });
    await expect(openOnnxWeights(files)).rejects.toMatchObject({ code: "UNSUPPORTED_MODEL_TYPE", message: expect.stringContaining("DequantizeLinear") });
  });

  it("names anonymous nn.Linear weights from the node scope, completes prefixes, and prefixes split encoder / decoder files", async () => {
    const encoder = onnxModel(
      [
        { name: "onnx::MatMul_7", dims: [2, 3], values: [1, 2, 3, 4, 5, 6] },
        { name: "layers.0.self_attn.q_proj.bias", dims: [3], values: [0.5, 0.5, 0.5], raw: false },
        { name: "embed_tokens.weight", dims: [4, 2], values: [0, 1, 2, 3, 4, 5, 6, 7] },
      ],
      [node("/layers.0/self_attn/q_proj/MatMul", "MatMul", ["x", "onnx::MatMul_7"]), node("/layers.0/self_attn/q_proj/Add", "Add", ["y", "layers.0.self_attn.q_proj.bias"])],
    );
    const decoder = onnxModel(
      [
        { name: "onnx::Gemm_9", dims: [3, 2], values: [1, 2, 3, 4, 5, 6] },
        { name: "final_logits_bias", dims: [1, 4], values: [1, 2, 3, 4] },
      ],
      [node("/model/decoder/layers.0/fc1/Gemm", "Gemm", ["x", "onnx::Gemm_9"], { transB: 1 })],
    );
    const w = await openOnnxWeights(memoryModelFiles({ "onnx/encoder_model.onnx": encoder, "onnx/decoder_model.onnx": decoder }));
    expect(w.names().sort()).toEqual(["final_logits_bias", "model.decoder.layers.0.fc1.weight", "model.encoder.embed_tokens.weight", "model.encoder.layers.0.self_attn.q_proj.bias", "model.encoder.layers.0.self_attn.q_proj.weight"]);
    expect(w.shape("model.encoder.layers.0.self_attn.q_proj.weight")).toEqual([3, 2]);
    expect([...w.read("model.encoder.layers.0.self_attn.q_proj.weight")]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...w.read("model.encoder.layers.0.self_attn.q_proj.bias")]).toEqual([0.5, 0.5, 0.5]);
    expect(w.shape("model.decoder.layers.0.fc1.weight")).toEqual([3, 2]);
    expect([...w.read("model.decoder.layers.0.fc1.weight")]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads external data by offset and rejects ranges past the end, escaping paths and missing data files", async () => {
    const data = new Uint8Array([...f32([9, 9]), ...f32([1, 2, 3, 4])]);
    const model = (location: string, offset: number, length: number) =>
      onnxModel([{ name: "transformer.wte.weight", dims: [2, 2], external: { location, offset, length } }], []);
    const ok = await openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": model("model.onnx_data", 8, 16), "onnx/model.onnx_data": data }));
    expect([...ok.read("transformer.wte.weight")]).toEqual([1, 2, 3, 4]);
    const past = await openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": model("model.onnx_data", 16, 16), "onnx/model.onnx_data": data }));
    expect(() => past.read("transformer.wte.weight")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("past the end") }));
    const short = await openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": model("model.onnx_data", 8, 12), "onnx/model.onnx_data": data }));
    expect(() => short.read("transformer.wte.weight")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("12 bytes") }));
    await expect(openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": model("../secret", 0, 16) }))).rejects.toMatchObject({ code: "MALFORMED_FILE" });
    await expect(openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": model("model.onnx_data", 0, 16) }))).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("onnx/model.onnx_data") });
  });

  it("rejects malformed protobuf with MALFORMED_FILE naming the file and offset", () => {
    const good = bytesOf("test-data/models-arch/onnx-gpt2/onnx/model.onnx");
    const cases: Uint8Array[] = [
      good.subarray(0, good.length - 100), // truncated
      new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // graph longer than the file
      new Uint8Array([0x0b, 0x00]), // group wire type
      new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // 11-byte varint
      new Uint8Array([0x08, 0x01]), // no graph
      onnxModel([{ name: "w", dims: [2, 2], values: [1, 2, 3] }], []),
    ];
    for (const bytes of cases.slice(0, 5)) {
      expect(() => parseOnnxModel(bytes, "onnx/model.onnx in test")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringMatching(/onnx\/model\.onnx in test.*at byte \d+/) }));
    }
    const graph = parseOnnxModel(cases[5], "test");
    expect(graph.initializers[0].dims).toEqual([2, 2]);
  });

  it("a tensor whose data does not match its shape is a clear error on read", async () => {
    const w = await openOnnxWeights(memoryModelFiles({ "onnx/model.onnx": onnxModel([{ name: "transformer.wte.weight", dims: [2, 2], values: [1, 2, 3] }], []) }));
    expect(() => w.read("transformer.wte.weight")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("12 bytes of data for shape [2, 2]") }));
  });
});
