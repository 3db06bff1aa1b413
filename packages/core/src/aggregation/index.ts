export * from "./aggregationFunction.js";
/** Built-in aggregation functions by inseq id: `aggregationFunctions.vnorm`, `.sum`, `.mean`, `.max`, `.min`, `.prod`, `.absmax`. */
export * as aggregationFunctions from "./aggregationFunctions.js";
export * from "./aggregationFunctionRegistry.js";
export * from "./reduceLastAxis.js";
export * from "./normalizeAttributions.js";
export * from "./aggregateSequenceAttribution.js";
