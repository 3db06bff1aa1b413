import * as tf from "@tensorflow/tfjs-core";
import { attributedSides, inputGradients, inputsOf } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { optionReader } from "@inseqjs/core";

/** Options of {@link InputXGradient} (none). */
export type InputXGradientOptions = Record<string, never>;

/** Input × gradient (Shrikumar et al., 2016): `x · ∂f/∂x` per embedding dimension. inseq id `input_x_gradient`. */
export class InputXGradient implements AttributionMethod<InputXGradientOptions> {
  readonly methodName = "input_x_gradient";
  readonly usesBaselines = false;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): InputXGradientOptions {
    optionReader(this.methodName, raw, []);
    return {};
  }

  attributeStep(step: AttributionStepInputs): StepAttribution {
    return tf.tidy(() => {
      const inputs = inputsOf(step, attributedSides(step));
      const grads = inputGradients(step, inputs);
      const attr = (side: string) => (grads[side] ? (tf.mul(inputs[side], grads[side]) as tf.Tensor3D) : undefined);
      return { source: attr("source"), target: attr("target") };
    });
  }
}
