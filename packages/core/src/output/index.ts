export * from "./types.js";
export * from "./attributionInfo.js";
export * from "./validateSequenceAttribution.js";
export * from "./stackStepAttributions.js";
export * from "./featureAttributionSequenceOutput.js";
export * from "./featureAttributionOutput.js";
