/**
 * @packageDocumentation
 * Discretized Integrated Gradients for inseq.js, with a lazy monotonic path builder. Importing the package
 * registers `discretized_integrated_gradients`.
 */
import "./registerDig.js";
export * from "./discretizedIntegratedGradients.js";
export * from "./digOptions.js";
export * from "./pathPoints.js";
export * from "./pathBuilder/monotonicPathBuilder.js";
export * from "./pathBuilder/modelPathBuilder.js";
export * from "./pathBuilder/monotonicPath.js";
export * from "./pathBuilder/monotonic.js";
export * from "./pathBuilder/wordPathSearch.js";
export * from "./pathBuilder/nearestNeighbours.js";
export * from "./pathBuilder/sklearnArgKmin.js";
export * from "./pathBuilder/neighbourStore.js";
export * from "./pathBuilder/vocabularySpace.js";
export * from "./pathBuilder/hashFloat32.js";
