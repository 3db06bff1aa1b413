import type { Architecture } from "../Architecture.js";
import { LLAMA_FAMILY_TYPES, parseLlamaConfig } from "./llamaConfig.js";
import type { LlamaConfig } from "./llamaConfig.js";
import { LlamaModel } from "./LlamaModel.js";

/** The Llama-family architectures: `llama` (also SmolLM), `mistral`, `qwen2`, `qwen3`, `gemma`, `gemma2`. */
export const llamaArchitectures: readonly Architecture<LlamaConfig>[] = LLAMA_FAMILY_TYPES.map((modelType) => ({
  modelType,
  parseConfig: (json: Readonly<Record<string, unknown>>) => parseLlamaConfig(json, modelType),
  create: (parts) => LlamaModel.create(parts),
}));
