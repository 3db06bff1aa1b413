import * as tf from "@tensorflow/tfjs-core";
import type { AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { LayerAttributionMethod } from "./layerAttributionMethod.js";
import { captureLayers, convergenceDeltas, layerGradients, mapLayers, toStepAttribution } from "./layerForward.js";
import { LAYER_OPTION_NAMES, readLayerOptions } from "./layerOptions.js";
import type { LayerOptions } from "./layerOptions.js";
import { optionReader } from "@inseqjs/core";

/** Options of {@link LayerDeepLift}. */
export interface LayerDeepLiftOptions extends LayerOptions {
  /** Multiply the multipliers by `(a_x − a_b)` (Captum's `multiply_by_inputs`). Default true. */
  readonly multiplyByInputs: boolean;
  /** Also return `Σ attr − (f(x) − f(b))` per row. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/**
 * Layer DeepLIFT as Captum's `LayerDeepLift` computes it on transformer LMs: Captum rewrites the gradients of
 * nn.ReLU / Sigmoid / Tanh / Softmax... modules only, and these models use functional softmax and GELU/SiLU, so the
 * multipliers are the plain gradients at the input and the attribution is `(a_x − a_b) · ∂f/∂a(x)`, with `a_b` the
 * layer's activation on the baseline ids. inseq id `layer_deeplift`.
 */
export class LayerDeepLift extends LayerAttributionMethod<LayerDeepLiftOptions> {
  readonly methodName = "layer_deeplift";
  readonly usesBaselines = true;

  resolveOptions(raw: RawMethodOptions): LayerDeepLiftOptions {
    const read = optionReader(this.methodName, raw, [...LAYER_OPTION_NAMES, "multiplyByInputs", "returnConvergenceDelta"]);
    return { ...readLayerOptions(read), multiplyByInputs: read.boolean("multiplyByInputs", true), returnConvergenceDelta: read.boolean("returnConvergenceDelta", false) };
  }

  attributeStep(step: AttributionStepInputs, options: LayerDeepLiftOptions): StepAttribution {
    const layers = this.layersOf(step, options);
    return tf.tidy(() => {
      const x = captureLayers(step, layers, "ids");
      const b = captureLayers(step, layers, "baselineIds");
      const grads = layerGradients(step, layers, x.activations);
      const attributions = options.multiplyByInputs ? mapLayers(layers, (key) => tf.mul(tf.sub(x.activations[key], b.activations[key]), grads[key])) : grads;
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(attributions, x.scores, b.scores) : undefined;
      return toStepAttribution(layers, attributions, deltas);
    });
  }
}
