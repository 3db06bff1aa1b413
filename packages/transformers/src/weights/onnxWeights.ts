import { inseqError, isInseqError } from "@inseqjs/core";
import { checkRelativePath } from "../files/checkRelativePath.js";
import type { ModelFiles } from "../files/ModelFiles.js";
import { ONNX_INT4, ONNX_INT8, ONNX_UINT4, ONNX_UINT8, parseOnnxModel } from "./onnxModelProto.js";
import type { OnnxGraph } from "./onnxModelProto.js";
import { onnxParameterNames } from "./onnxParameterNames.js";
import type { OnnxParameter } from "./onnxParameterNames.js";
import { onnxTensorValues } from "./onnxTensorValues.js";
import type { WeightSource } from "./WeightSource.js";

/** Float32 ONNX files of a transformers.js repository, in the order they are looked for. */
export const ONNX_ENCODER_FILE = "onnx/encoder_model.onnx";
export const ONNX_DECODER_FILES = ["onnx/decoder_model.onnx", "onnx/decoder_model_merged.onnx"] as const;
export const ONNX_MODEL_FILES = ["onnx/model.onnx", ...ONNX_DECODER_FILES] as const;

const QUANTIZED_OPS = new Set(["DequantizeLinear", "QuantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QLinearMatMul", "MatMulNBits", "GatherBlockQuantized", "MatMulBnb4", "DynamicQuantizeMatMul"]);
const QUANTIZED_TYPES = new Set([ONNX_INT8, ONNX_UINT8, ONNX_INT4, ONNX_UINT4]);
const GPT2_CONV1D = /(^|\.)h\.\d+\.(attn\.(c_attn|c_proj|q_attn)|crossattention\.(c_attn|c_proj|q_attn)|mlp\.(c_fc|c_proj))$/;

/** Options of {@link openOnnxWeights}. */
export interface OnnxWeightOptions {
  /** `config.json`'s `model_type`: tells which modules are `Conv1D` (GPT-2) when an exporter renamed their weights. */
  readonly modelType?: string;
}

async function tryRead(files: ModelFiles, path: string): Promise<Uint8Array | undefined> {
  try {
    return await files.read(path);
  } catch (e) {
    if (isInseqError(e, "MISSING_FILE")) return undefined;
    throw e;
  }
}

async function firstPresent(files: ModelFiles, paths: readonly string[]): Promise<{ path: string; bytes: Uint8Array } | undefined> {
  for (const path of paths) {
    const bytes = await tryRead(files, path);
    if (bytes) return { path, bytes };
  }
  return undefined;
}

function refuseQuantized(graph: OnnxGraph, path: string, location: string): void {
  const op = graph.nodes.find((n) => QUANTIZED_OPS.has(n.opType))?.opType;
  const tensor = graph.initializers.find((t) => QUANTIZED_TYPES.has(t.dataType) && t.dims.length >= 2)?.name;
  if (op || tensor) {
    throw inseqError(
      "UNSUPPORTED_MODEL_TYPE",
      `${path} in ${location} holds quantized weights (${op ? `${op} nodes` : `8/4-bit tensor "${tensor}"`}); attribution needs float32 weights to differentiate. Use the repository's float32 export (onnx/model.onnx) or its model.safetensors.`,
    );
  }
}

/** `role` `encoder` / `decoder`: the names of a separately exported stack, completed to the full model's. */
function fullName(name: string, role: "model" | "encoder" | "decoder"): string {
  if (role === "model" || name.startsWith("model.")) return name;
  if (role === "decoder" && (name.startsWith("lm_head.") || name === "final_logits_bias")) return name;
  if (name.startsWith(`${role}.`)) return `model.${name}`;
  return `model.${role}.${name}`;
}

/**
 * Opens the weights of a transformers.js repository, which ships ONNX files only: `onnx/encoder_model.onnx` +
 * `onnx/decoder_model.onnx` (encoder-decoders), else `onnx/model.onnx` (or `onnx/decoder_model.onnx`). Initializers
 * (inline or in external data files such as `model.onnx_data`) are mapped back to PyTorch parameter names through
 * the graph ({@link onnxParameterNames}). Quantized files are refused (`UNSUPPORTED_MODEL_TYPE`); no float32 file →
 * `MISSING_FILE` naming the one that is missing.
 */
export async function openOnnxWeights(files: ModelFiles, options: OnnxWeightOptions = {}): Promise<WeightSource> {
  const location = files.location;
  const chosen: { path: string; bytes: Uint8Array; role: "model" | "encoder" | "decoder" }[] = [];
  const encoder = await tryRead(files, ONNX_ENCODER_FILE);
  if (encoder) {
    const decoder = await firstPresent(files, ONNX_DECODER_FILES);
    if (!decoder) {
      throw inseqError("MISSING_FILE", `${location} has ${ONNX_ENCODER_FILE} but no float32 decoder: ${ONNX_DECODER_FILES[0]} is missing. Quantized decoders cannot be attributed; use a repository with float32 ONNX files or model.safetensors.`);
    }
    chosen.push({ path: ONNX_ENCODER_FILE, bytes: encoder, role: "encoder" }, { ...decoder, role: "decoder" });
  } else {
    const single = await firstPresent(files, ONNX_MODEL_FILES);
    if (!single) {
      throw inseqError(
        "MISSING_FILE",
        `No float32 ONNX weights in ${location}: onnx/model.onnx is missing (and so are ${ONNX_DECODER_FILES.join(", ")} and ${ONNX_ENCODER_FILE}). ` +
          `Quantized exports (onnx/model_quantized.onnx, *_q4.onnx, *_int8.onnx, *_uint8.onnx, *_bnb4.onnx) and fp16 files cannot be attributed: gradients need float32 weights. Use a repository with onnx/model.onnx or model.safetensors.`,
      );
    }
    chosen.push({ ...single, role: "model" });
  }

  const params = new Map<string, { param: OnnxParameter; path: string; external?: Uint8Array }>();
  for (const file of chosen) {
    const what = `${file.path} in ${location}`;
    const graph = parseOnnxModel(file.bytes, what);
    refuseQuantized(graph, file.path, location);
    const externals = new Map<string, Uint8Array>();
    const folder = file.path.slice(0, file.path.lastIndexOf("/") + 1);
    for (const t of graph.initializers) {
      if (!t.external || externals.has(t.external.location)) continue;
      const path = checkRelativePath(`${folder}${t.external.location}`, location);
      externals.set(t.external.location, await files.read(path));
    }
    const mapped = onnxParameterNames(graph, { isConv1D: options.modelType === "gpt2" ? (m) => GPT2_CONV1D.test(m) : undefined });
    for (const [name, param] of mapped) {
      const full = fullName(name, file.role);
      if (!params.has(full)) params.set(full, { param, path: what, external: param.tensor.external ? externals.get(param.tensor.external.location) : undefined });
    }
  }
  if (params.size === 0) {
    throw inseqError("MALFORMED_FILE", `${chosen.map((f) => f.path).join(" and ")} in ${location} hold no float weights. Re-download the files, or use model.safetensors.`);
  }

  const shapeOf = (p: OnnxParameter) => (p.transpose ? [p.tensor.dims[1], p.tensor.dims[0]] : p.tensor.dims);
  return {
    location: `${location} (ONNX: ${chosen.map((f) => f.path).join(", ")})`,
    names: () => [...params.keys()],
    shape: (name) => {
      const entry = params.get(name);
      return entry ? shapeOf(entry.param) : undefined;
    },
    read(name) {
      const entry = params.get(name);
      if (!entry) throw inseqError("MALFORMED_FILE", `The ONNX weights in ${location} have no tensor "${name}".`);
      const values = onnxTensorValues(entry.param.tensor, entry.path, entry.external);
      if (!entry.param.transpose) return values;
      const [rows, cols] = entry.param.tensor.dims;
      const out = new Float32Array(values.length);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
      return out;
    },
  };
}
