import { listMethods, registerMethod } from "@inseqjs/core";
import type { AttributionMethodFactory } from "@inseqjs/core";
import { LayerDeepLift } from "./layerDeepLift.js";
import { LayerGradientXActivation } from "./layerGradientXActivation.js";
import { LayerIntegratedGradients } from "./layerIntegratedGradients.js";

/** The methods of this package: inseq id, factory, one-line description. */
export const LAYER_METHODS: readonly { methodName: string; create: AttributionMethodFactory; description: string }[] = [
  {
    methodName: "layer_integrated_gradients",
    create: () => new LayerIntegratedGradients(),
    description: "integrated gradients w.r.t. a layer's activation, from its value on the baseline ids to its value on the input ids",
  },
  { methodName: "layer_gradient_x_activation", create: () => new LayerGradientXActivation(), description: "a layer's activation times the gradient w.r.t. it" },
  { methodName: "layer_deeplift", create: () => new LayerDeepLift(), description: "DeepLIFT at a layer: (activation − baseline activation) times the gradient at the input" },
];

/** Registers every method of this package under its inseq id; already registered ids are left alone. */
export function registerLayerMethods(): void {
  const present = new Set(listMethods());
  for (const { methodName, create, description } of LAYER_METHODS) {
    if (!present.has(methodName)) registerMethod(methodName, create, { description });
  }
}

registerLayerMethods();
