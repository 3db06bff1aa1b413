import type { BartConfig } from "../config/bartConfig.js";
import type { Gpt2Config } from "../config/gpt2Config.js";
import type { MarianConfig } from "../config/marianConfig.js";
import type { LlamaConfig } from "../models/llama/llamaConfig.js";
import { LLAMA_FAMILY_TYPES } from "../models/llama/llamaConfig.js";
import type { ModelMemoryShape } from "./estimateActivationBytes.js";

/**
 * The {@link ModelMemoryShape} of a model from its `model_type` and parsed config (every architecture of this
 * package: GPT-2, the Llama family, Marian, the BART family); `undefined` for anything else.
 */
export function modelMemoryShape(modelType: string, config: unknown): ModelMemoryShape | undefined {
  if (modelType === "gpt2") {
    const c = config as Gpt2Config;
    return { family: "gpt2", hidden: c.hiddenSize, intermediate: c.innerSize, layers: c.numLayers, heads: c.numHeads, kvHeads: c.numHeads, headDim: c.hiddenSize / c.numHeads, vocab: c.vocabSize };
  }
  if ((LLAMA_FAMILY_TYPES as readonly string[]).includes(modelType)) {
    const c = config as LlamaConfig;
    return {
      family: "llama", hidden: c.hiddenSize, intermediate: c.intermediateSize, layers: c.numLayers, heads: c.numHeads, kvHeads: c.numKvHeads,
      headDim: c.headDim, vocab: c.vocabSize, ...(c.attnLogitSoftcap !== undefined ? { unchunkedAttention: true } : {}),
    };
  }
  if (modelType === "marian") {
    const c = config as MarianConfig;
    return {
      family: "encoder-decoder", hidden: c.hiddenSize, intermediate: c.decoderFfnSize, layers: c.decoderLayers, heads: c.decoderHeads, kvHeads: c.decoderHeads,
      headDim: c.hiddenSize / c.decoderHeads, vocab: c.decoderVocabSize, encoderLayers: c.encoderLayers, encoderIntermediate: c.encoderFfnSize, encoderHeads: c.encoderHeads,
    };
  }
  if (modelType === "bart" || modelType === "mbart" || modelType === "m2m_100") {
    const c = config as BartConfig;
    return {
      family: "encoder-decoder", hidden: c.hiddenSize, intermediate: c.decoderFfnSize, layers: c.decoderLayers, heads: c.decoderHeads, kvHeads: c.decoderHeads,
      headDim: c.hiddenSize / c.decoderHeads, vocab: c.vocabSize, encoderLayers: c.encoderLayers, encoderIntermediate: c.encoderFfnSize, encoderHeads: c.encoderHeads,
    };
  }
  return undefined;
}
