/**
 * @packageDocumentation
 * TensorFlow.js backend selection, gradient registration and fast ops for inseq.js (browser entry, chosen by the
 * `browser` export condition; the same exports as the Node entry).
 */
import "./registerGradients.browser.js";
export * from "./backendTypes.js";
export * from "./BackendUnavailableError.js";
export { useBackend, fallbackChain } from "./useBackend.browser.js";
export * from "./ops/index.js";
export * from "./memoryLimit.js";
export * from "./backendMemory.js";
export * from "./backendHealth.js";
