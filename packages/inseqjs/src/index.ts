/**
 * @packageDocumentation
 * inseq.js: feature attribution for sequence generation models on TensorFlow.js. `loadModel` + every method.
 */
import "./registerAll.js";
export * from "./loadModel.js";
export * from "@inseqjs/core";
export { useBackend, type BackendName, type BackendChoice } from "@inseqjs/backend-tfjs";
export { loadTransformersModel } from "@inseqjs/transformers";
