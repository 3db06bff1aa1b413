/**
 * @packageDocumentation
 * Layer attribution methods of inseq.js. Importing this module registers them under their inseq ids.
 */
export * from "./layerIntegratedGradients.js";
export * from "./layerGradientXActivation.js";
export * from "./layerDeepLift.js";
export * from "./layerAttributionMethod.js";
export * from "./layerOptions.js";
export * from "./resolveLayer.js";
export * from "./layerForward.js";
export * from "./layerPathIntegral.js";
export * from "./register.js";
