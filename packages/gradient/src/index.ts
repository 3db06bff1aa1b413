/**
 * @packageDocumentation
 * Gradient attribution methods of inseq.js. Importing this module registers them under their inseq ids.
 */
export * from "./saliency.js";
export * from "./inputXGradient.js";
export * from "./integratedGradients.js";
export * from "./deepLift.js";
export * from "./gradientShap.js";
export * from "./gradientShapOptions.js";
export * from "./sequentialIntegratedGradients.js";
export * from "./pathOptions.js";
export * from "./numpyRandomState.js";
export * from "./register.js";
