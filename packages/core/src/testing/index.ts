// Small models implementing AttributionModel for unit tests of methods (no files needed).
export * from "./seededRandom.js";
export * from "./toyTokenizer.js";
export * from "./toyModel.js";
export * from "./makeStepInputs.js";
