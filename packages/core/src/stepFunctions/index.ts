export * from "./stepFunction.js";
export * from "./stepFunctionRegistry.js";
export * from "./builtinStepFunctions.js";
