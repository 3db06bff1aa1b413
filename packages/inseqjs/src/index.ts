/**
 * @packageDocumentation
 * inseq.js: feature attribution for sequence generation models on TensorFlow.js. `loadModel` + every method.
 */
import "./registerAll.js";
// Registers the heatmap renderer behind `output.show()` (terminal in Node, HTML in a browser).
import "@inseqjs/viz";
export * from "./loadModel.js";
export * from "@inseqjs/core";
export { useBackend, type BackendName, type BackendChoice } from "@inseqjs/backend-tfjs";
// memory limits: what the active backend can hold (INSEQJS_MEMORY_LIMIT_BYTES / setMemoryLimit override it), and
// re-creating a backend whose wasm module aborted (models loaded before must be loaded again)
export { backendMemory, setMemoryLimit, parseByteSize, resetBackend, MEMORY_LIMIT_ENV, type BackendMemory } from "@inseqjs/backend-tfjs";
export { loadTransformersModel, applyChatTemplate } from "@inseqjs/transformers";
