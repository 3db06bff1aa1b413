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
export { loadTransformersModel, applyChatTemplate } from "@inseqjs/transformers";
