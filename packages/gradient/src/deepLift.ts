import * as tf from "@tensorflow/tfjs-core";
import { attributedSides, baselinesOf, convergenceDeltas, inputGradients, inputsOf, mapSides } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { optionReader } from "./optionReader.js";

/** Options of {@link DeepLift}. */
export interface DeepLiftOptions {
  /** Multiply the multipliers by `(x − b)` (Captum's `multiply_by_inputs`). Default true. */
  readonly multiplyByInputs: boolean;
  /** Also return `Σ attr − (f(x) − f(b))` per row. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/**
 * DeepLIFT as Captum computes it on transformer LMs: Captum only rewrites the gradients of nn.ReLU / Sigmoid / Tanh /
 * Softmax... modules, and these models use functional softmax and GELU/SiLU, so the multipliers are the plain
 * gradients at the input and the attribution is `(x − b) · ∇f(x)`. inseq id `deeplift`.
 * TODO: the Rescale rule for models with rewritable non-linearities needs model support (tracked separately).
 */
export class DeepLift implements AttributionMethod<DeepLiftOptions> {
  readonly methodName = "deeplift";
  readonly usesBaselines = true;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): DeepLiftOptions {
    const read = optionReader(this.methodName, raw, ["multiplyByInputs", "returnConvergenceDelta"]);
    return { multiplyByInputs: read.boolean("multiplyByInputs", true), returnConvergenceDelta: read.boolean("returnConvergenceDelta", false) };
  }

  attributeStep(step: AttributionStepInputs, options: DeepLiftOptions): StepAttribution {
    return tf.tidy(() => {
      const sides = attributedSides(step);
      const inputs = inputsOf(step, sides);
      const baselines = baselinesOf(step, sides);
      const grads = inputGradients(step, inputs);
      const attributions = mapSides(sides, (s) => (options.multiplyByInputs ? (tf.mul(tf.sub(inputs[s], baselines[s]), grads[s]) as tf.Tensor3D) : grads[s]));
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(step, attributions, baselines, inputs) : undefined;
      return { source: attributions.source, target: attributions.target, deltas };
    });
  }
}
