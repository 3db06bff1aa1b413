/**
 * @packageDocumentation
 * Contracts, registries, the step-wise attribution loop, path math and output classes of inseq.js.
 */
export * from "./errors.js";
export * from "./ndarray.js";
export * from "./model.js";
export * from "./method.js";
export * from "./methodRegistry.js";
export * from "./options/index.js";
export * from "./stepFunctions/index.js";
export * from "./safetensors/index.js";
export * from "./pathMath/index.js";
export * from "./output/index.js";
export * from "./aggregation/index.js";
export * from "./io/index.js";
export * from "./attribute/index.js";
