import { inseqError } from "@inseqjs/core";
import type { HubOptions } from "./files/hubModelFiles.js";
import type { ModelFiles } from "./files/ModelFiles.js";
import { readJsonFile } from "./files/readJsonFile.js";
import { resolveModelFiles } from "./files/resolveModelFiles.js";
import { getArchitecture } from "./models/architectureRegistry.js";
import type { TargetLanguageOptions } from "./models/bart/bartTargetLanguage.js";
import type { TransformersModel } from "./models/TransformersModel.js";
import { loadTokenizer } from "./tokenizer/loadTokenizer.js";
import type { RecomputeMode } from "./nn/memoryPlan.js";
import { openModelWeights } from "./weights/onnxOrSafetensorsWeights.js";

/** Options of {@link loadTransformersModel}: where hub files come from, or the files themselves. */
export interface LoadTransformersModelOptions extends HubOptions, TargetLanguageOptions {
  /** Read the model from these files instead of resolving `nameOrPath` (a custom source, files picked in a browser). */
  readonly files?: ModelFiles;
  /** Recomputation of decoder blocks in the backward pass (default `"auto"`; see {@link TransformersModel.recompute}). */
  readonly recompute?: RecomputeMode;
}

/**
 * Loads a Hugging Face model for attribution: `nameOrPath` is a local folder (Node), a hub id (`openai-community/gpt2`,
 * downloaded into the Hugging Face cache) or an http(s) URL of the files. Reads `config.json`, `tokenizer.json` and
 * safetensors weights (or, in transformers.js repositories without them, the float32 ONNX files under `onnx/`), and
 * builds the TF.js implementation of its `model_type` (`UNSUPPORTED_MODEL_TYPE` otherwise). Multilingual
 * encoder-decoders take their target language from `tgtLang` / `forcedBosTokenId`.
 * Call `dispose()` on the result to free its weights.
 */
export async function loadTransformersModel(nameOrPath: string, options: LoadTransformersModelOptions = {}): Promise<TransformersModel> {
  const files = options.files ?? (await resolveModelFiles(nameOrPath, options));
  const json = await readJsonFile(files, "config.json");
  if (typeof json.model_type !== "string") {
    throw inseqError("MALFORMED_FILE", `config.json in ${files.location} has no "model_type" string. Re-download the model or add its model_type (e.g. "gpt2").`);
  }
  const architecture = getArchitecture(json.model_type);
  const config = architecture.parseConfig(json);
  const [tokenizer, weights] = await Promise.all([loadTokenizer(files), openModelWeights(files, { modelType: json.model_type })]);
  const loadOptions = { tgtLang: options.tgtLang, forcedBosTokenId: options.forcedBosTokenId };
  const model = architecture.create({ modelName: nameOrPath, config, tokenizer, weights, loadOptions });
  if (options.recompute !== undefined) model.recompute = options.recompute;
  return model;
}
