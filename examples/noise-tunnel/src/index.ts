/**
 * @packageDocumentation
 * Example inseq.js plugin: importing it registers `noise_tunnel` (SmoothGrad, SmoothGrad², VarGrad).
 */
export * from "./noiseTunnel.js";
export * from "./noiseTunnelOptions.js";
export * from "./register.js";
