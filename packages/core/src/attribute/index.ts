export * from "./baselines.js";
export * from "./generate.js";
export * from "./prepareSequences.js";
export * from "./stepInputs.js";
export * from "./stepLoop.js";
export * from "./attribute.js";
export * from "./buildAttributionOutput.js";
