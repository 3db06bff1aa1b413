export * from "./safetensors.js";
