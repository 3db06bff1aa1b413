import { inseqError, isInseqError } from "@inseqjs/core";
import type { ModelFiles } from "../files/ModelFiles.js";
import { openOnnxWeights } from "./onnxWeights.js";
import type { OnnxWeightOptions } from "./onnxWeights.js";
import { openSafetensorsWeights } from "./openSafetensorsWeights.js";
import type { WeightSource } from "./WeightSource.js";

/**
 * Opens a model's weights: safetensors (`model.safetensors` or its sharded index) when present, else the float32 ONNX
 * files of a transformers.js repository ({@link openOnnxWeights}). `MISSING_FILE` naming both when neither exists.
 */
export async function openModelWeights(files: ModelFiles, options: OnnxWeightOptions = {}): Promise<WeightSource> {
  try {
    return await openSafetensorsWeights(files);
  } catch (safetensorsError) {
    if (!isInseqError(safetensorsError, "MISSING_FILE")) throw safetensorsError;
    try {
      return await openOnnxWeights(files, options);
    } catch (onnxError) {
      if (!isInseqError(onnxError, "MISSING_FILE")) throw onnxError;
      // no safetensors at all: say so briefly; a missing shard keeps its own message
      const first = (safetensorsError as Error).message.startsWith("Neither model.safetensors")
        ? `${files.location} has no model.safetensors (nor model.safetensors.index.json).`
        : (safetensorsError as Error).message;
      throw inseqError("MISSING_FILE", `${first} ${(onnxError as Error).message}`, onnxError);
    }
  }
}
