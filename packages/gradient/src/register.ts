import { listMethods, registerMethod } from "@inseqjs/core";
import type { AttributionMethodFactory } from "@inseqjs/core";
import { DeepLift } from "./deepLift.js";
import { GradientShap } from "./gradientShap.js";
import { InputXGradient } from "./inputXGradient.js";
import { IntegratedGradients } from "./integratedGradients.js";
import { Saliency } from "./saliency.js";
import { SequentialIntegratedGradients } from "./sequentialIntegratedGradients.js";

/** The methods of this package: inseq id, factory, one-line description. */
export const GRADIENT_METHODS: readonly { methodName: string; create: AttributionMethodFactory; description: string }[] = [
  { methodName: "saliency", create: () => new Saliency(), description: "absolute gradient of the attributed function w.r.t. the input embeddings" },
  { methodName: "input_x_gradient", create: () => new InputXGradient(), description: "input embeddings times their gradient" },
  { methodName: "integrated_gradients", create: () => new IntegratedGradients(), description: "path integral of gradients from the baseline to the input (Gauss-Legendre or Riemann)" },
  { methodName: "deeplift", create: () => new DeepLift(), description: "DeepLIFT: (input − baseline) times the multipliers (gradients at the input; rule \"rescale\": the Rescale rule)" },
  { methodName: "gradient_shap", create: () => new GradientShap(), description: "expected gradients at random points between baseline and (noisy) input, times (input − baseline)" },
  { methodName: "sequential_integrated_gradients", create: () => new SequentialIntegratedGradients(), description: "integrated gradients of one position at a time, others held at their input values" },
];

/** Registers every method of this package under its inseq id; already registered ids are left alone. */
export function registerGradientMethods(): void {
  const present = new Set(listMethods());
  for (const { methodName, create, description } of GRADIENT_METHODS) {
    if (!present.has(methodName)) registerMethod(methodName, create, { description });
  }
}

registerGradientMethods();
