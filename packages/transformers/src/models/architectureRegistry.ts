import { inseqError } from "@inseqjs/core";
import type { Architecture } from "./Architecture.js";
import { bartArchitecture } from "./bart/bartArchitecture.js";
import { m2m100Architecture } from "./bart/m2m100Architecture.js";
import { mbartArchitecture } from "./bart/mbartArchitecture.js";
import { gpt2Architecture } from "./gpt2/gpt2Architecture.js";
import { llamaArchitectures } from "./llama/llamaArchitectures.js";
import { marianArchitecture } from "./marian/marianArchitecture.js";

const registry = new Map<string, Architecture>([
  [gpt2Architecture.modelType, gpt2Architecture as Architecture],
  [marianArchitecture.modelType, marianArchitecture as Architecture],
  [bartArchitecture.modelType, bartArchitecture as Architecture],
  [mbartArchitecture.modelType, mbartArchitecture as Architecture],
  [m2m100Architecture.modelType, m2m100Architecture as Architecture],
  ...llamaArchitectures.map((a) => [a.modelType, a as Architecture] as const),
]);

/** Adds (or replaces) the implementation of a `model_type`. */
export function registerArchitecture<C>(architecture: Architecture<C>): void {
  registry.set(architecture.modelType, architecture as Architecture);
}

/** The `model_type`s that can be loaded. */
export function supportedModelTypes(): string[] {
  return [...registry.keys()];
}

/** The implementation of `modelType`; `UNSUPPORTED_MODEL_TYPE` listing the supported ones otherwise. */
export function getArchitecture(modelType: string): Architecture {
  const architecture = registry.get(modelType);
  if (!architecture) {
    throw inseqError(
      "UNSUPPORTED_MODEL_TYPE",
      `model_type "${modelType}" is not supported by @inseqjs/transformers (supported: ${supportedModelTypes().join(", ")}). Use one of those, or register an implementation with registerArchitecture.`,
    );
  }
  return architecture;
}
