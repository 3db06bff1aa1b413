export * from "./safetensors.js";
export { f32Transposed } from "./float32Conversion.js";
