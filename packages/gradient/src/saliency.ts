import * as tf from "@tensorflow/tfjs-core";
import { attributedSides, inputGradients, inputsOf } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { optionReader } from "@inseqjs/core";

/** Options of {@link Saliency}. */
export interface SaliencyOptions {
  /** Absolute value of the gradient (Captum's default). Default true. */
  readonly abs: boolean;
}

/** Saliency (Simonyan et al., 2013): `|∂f/∂x|` per embedding dimension. inseq id `saliency`. */
export class Saliency implements AttributionMethod<SaliencyOptions> {
  readonly methodName = "saliency";
  readonly usesBaselines = false;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): SaliencyOptions {
    return { abs: optionReader(this.methodName, raw, ["abs"]).boolean("abs", true) };
  }

  attributeStep(step: AttributionStepInputs, options: SaliencyOptions): StepAttribution {
    return tf.tidy(() => {
      const grads = inputGradients(step, inputsOf(step, attributedSides(step)));
      const attr = (g?: tf.Tensor3D) => (g && options.abs ? tf.abs(g) : g);
      return { source: attr(grads.source), target: attr(grads.target) };
    });
  }
}
