import * as tf from "@tensorflow/tfjs-core";
import { approximationParameters } from "@inseqjs/core";
import type { AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { LayerAttributionMethod } from "./layerAttributionMethod.js";
import { captureLayers, convergenceDeltas, mapLayers, toStepAttribution } from "./layerForward.js";
import { LAYER_PATH_OPTION_NAMES, readLayerPathOptions } from "./layerOptions.js";
import type { LayerPathOptions } from "./layerOptions.js";
import { integrateLayerGradients } from "./layerPathIntegral.js";
import { optionReader } from "@inseqjs/core";

/** Options of {@link LayerIntegratedGradients}. */
export type LayerIntegratedGradientsOptions = LayerPathOptions;

/**
 * Layer integrated gradients (Captum's `LayerIntegratedGradients`): the layer's activation `a_x` on the input ids and
 * `a_b` on the baseline ids, gradients at `a_b + α_k(a_x − a_b)` (set by `override` in a forward with the input ids),
 * weighted by the approximation's step sizes and summed, times `(a_x − a_b)`. inseq id `layer_integrated_gradients`.
 */
export class LayerIntegratedGradients extends LayerAttributionMethod<LayerIntegratedGradientsOptions> {
  readonly methodName = "layer_integrated_gradients";
  readonly usesBaselines = true;

  resolveOptions(raw: RawMethodOptions): LayerIntegratedGradientsOptions {
    return readLayerPathOptions(optionReader(this.methodName, raw, LAYER_PATH_OPTION_NAMES));
  }

  attributeStep(step: AttributionStepInputs, options: LayerIntegratedGradientsOptions): StepAttribution {
    const layers = this.layersOf(step, options);
    const path = approximationParameters(options.method, options.nSteps);
    return tf.tidy(() => {
      const x = captureLayers(step, layers, "ids");
      const b = captureLayers(step, layers, "baselineIds");
      const integrated = integrateLayerGradients(step, layers, x.activations, b.activations, path, options.internalBatchSize);
      const attributions = options.multiplyByInputs
        ? mapLayers(layers, (key) => tf.mul(integrated[key], tf.sub(x.activations[key], b.activations[key])))
        : integrated;
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(attributions, x.scores, b.scores) : undefined;
      return toStepAttribution(layers, attributions, deltas);
    });
  }
}
