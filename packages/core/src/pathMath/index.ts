// Path-integral math: Riemann / Gauss-Legendre nodes and weights (Captum's approximation_methods), path points,
// memory-bounded chunking (internalBatchSize), input gradients and convergence deltas shared by every path method.
export * from "./pathParameters.js";
export * from "./gaussLegendre.js";
export * from "./riemann.js";
export * from "./approximationParameters.js";
export * from "./stepSides.js";
export * from "./inputGradients.js";
export * from "./pathIntegral.js";
export * from "./convergenceDeltas.js";
