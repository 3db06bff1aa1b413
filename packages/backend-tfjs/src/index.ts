/**
 * @packageDocumentation
 * TensorFlow.js backend selection, gradient registration and fast ops for inseq.js.
 */
export * from "./useBackend.js";
export * from "./ops/index.js";
