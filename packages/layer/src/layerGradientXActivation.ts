import * as tf from "@tensorflow/tfjs-core";
import type { AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { LayerAttributionMethod } from "./layerAttributionMethod.js";
import { captureLayers, layerGradients, mapLayers, toStepAttribution } from "./layerForward.js";
import { LAYER_OPTION_NAMES, readLayerOptions } from "./layerOptions.js";
import type { LayerOptions } from "./layerOptions.js";
import { optionReader } from "@inseqjs/core";

/** Options of {@link LayerGradientXActivation}. */
export interface LayerGradientXActivationOptions extends LayerOptions {
  /** Multiply the gradient by the activation (Captum's `multiply_by_inputs`). Default true. */
  readonly multiplyByInputs: boolean;
}

/**
 * Layer gradient × activation (Captum's `LayerGradientXActivation`): `a · ∂f/∂a` at the layer's activation on the
 * input ids (`∂f/∂a` alone with `multiplyByInputs` false). inseq id `layer_gradient_x_activation`.
 */
export class LayerGradientXActivation extends LayerAttributionMethod<LayerGradientXActivationOptions> {
  readonly methodName = "layer_gradient_x_activation";
  readonly usesBaselines = false;

  resolveOptions(raw: RawMethodOptions): LayerGradientXActivationOptions {
    const read = optionReader(this.methodName, raw, [...LAYER_OPTION_NAMES, "multiplyByInputs"]);
    return { ...readLayerOptions(read), multiplyByInputs: read.boolean("multiplyByInputs", true) };
  }

  attributeStep(step: AttributionStepInputs, options: LayerGradientXActivationOptions): StepAttribution {
    const layers = this.layersOf(step, options);
    return tf.tidy(() => {
      const { activations } = captureLayers(step, layers, "ids");
      const grads = layerGradients(step, layers, activations);
      return toStepAttribution(layers, options.multiplyByInputs ? mapLayers(layers, (key) => tf.mul(activations[key], grads[key])) : grads);
    });
  }
}
