/**
 * @packageDocumentation
 * TensorFlow.js backend selection, gradient registration and fast ops for inseq.js (Node entry; browsers get
 * `index.browser.ts` through the `browser` export condition).
 */
import "./registerGradients.node.js";
export * from "./backendTypes.js";
export * from "./BackendUnavailableError.js";
export { useBackend, fallbackChain } from "./useBackend.node.js";
export * from "./ops/index.js";
