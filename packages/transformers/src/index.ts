/**
 * @packageDocumentation
 * Hugging Face models (GPT-2, Marian, ...) on TensorFlow.js for inseq.js: files (local, hub, URL), config,
 * tokenizer, safetensors weights and the architectures implementing core's `AttributionModel`.
 */
export * from "./loadTransformersModel.js";
export * from "./files/ModelFiles.js";
export * from "./files/localModelFiles.js";
export * from "./files/hubModelFiles.js";
export * from "./files/urlModelFiles.js";
export * from "./files/memoryModelFiles.js";
export * from "./files/resolveModelFiles.js";
export * from "./files/readJsonFile.js";
export * from "./config/gpt2Config.js";
export * from "./config/marianConfig.js";
export * from "./tokenizer/TransformersTokenizer.js";
export * from "./tokenizer/loadTokenizer.js";
export * from "./tokenizer/applyChatTemplate.js";
export * from "./tokenizer/chatTemplateTypes.js";
export * from "./weights/WeightSource.js";
export * from "./weights/openSafetensorsWeights.js";
export * from "./weights/sinusoidalPositions.js";
export * from "./weights/ParameterStore.js";
export * from "./layers/LayerHooks.js";
export * from "./layers/closestNames.js";
export * from "./models/Architecture.js";
export * from "./models/architectureRegistry.js";
export * from "./models/TransformersModel.js";
export * from "./models/gpt2/Gpt2Model.js";
export * from "./models/marian/MarianModel.js";
export * from "./models/llama/LlamaModel.js";
export * from "./models/llama/llamaConfig.js";
export * from "./models/llama/ropeSettings.js";
export * from "./config/bartConfig.js";
export * from "./models/bart/BartModel.js";
export * from "./models/bart/bartTargetLanguage.js";
export * from "./models/bart/m2m100Positions.js";
export * from "./weights/onnxWeights.js";
export * from "./weights/onnxOrSafetensorsWeights.js";
export * from "./weights/onnxModelProto.js";
export * from "./weights/onnxParameterNames.js";
export { CHUNKED_ATTENTION_MIN_KEYS, RECOMPUTE_AUTO_BYTES, tapedActivationBytes, useRecompute } from "./nn/memoryPlan.js";
export type { ForwardShape, RecomputeMode } from "./nn/memoryPlan.js";
// memory: estimate of an attribution's forward + backward (calibrated constants in memory/memoryConstants.ts), its
// measurement, and random-weight models of a given shape to calibrate on
export * from "./memory/memoryConstants.js";
export * from "./memory/estimateActivationBytes.js";
export * from "./memory/estimateTransformersMemory.js";
export * from "./memory/modelMemoryShape.js";
export * from "./memory/measureAttributionMemory.js";
export * from "./memory/randomModelFiles.js";
