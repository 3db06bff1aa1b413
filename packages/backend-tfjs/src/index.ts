/**
 * @packageDocumentation
 * TensorFlow.js backend selection, gradient registration and fast ops for inseq.js (Node entry; browsers get
 * `index.browser.ts` through the `browser` export condition).
 */
import { freemem, totalmem } from "node:os";
import "./registerGradients.node.js";
import { provideSystemMemory } from "./memoryLimit.js";
export * from "./backendTypes.js";
export * from "./BackendUnavailableError.js";
export { useBackend, fallbackChain } from "./useBackend.node.js";
export * from "./ops/index.js";
export * from "./memoryLimit.js";
export * from "./backendMemory.js";
export * from "./backendHealth.js";

provideSystemMemory(() => ({ freeBytes: freemem(), totalBytes: totalmem() }));
