import * as tf from "@tensorflow/tfjs-core";
import { attributedSides, baselinesOf, convergenceDeltas, inputGradients, inputsOf, inseqError, mapSides } from "@inseqjs/core";
import type { AttributionMethod, AttributionModel, AttributionStepInputs, InputSide, RawMethodOptions, SideTensors, StepAttribution } from "@inseqjs/core";
import { optionReader } from "@inseqjs/core";

/** Options of {@link DeepLift}. */
export interface DeepLiftOptions {
  /**
   * `"gradient"` (default): multipliers = gradients at the input, what Captum computes on these models (it rewrites
   * only nn.ReLU / Tanh / Sigmoid... modules, and they use functional GELU / SiLU / softmax). `"rescale"`: DeepLIFT's
   * Rescale rule on every elementwise non-linearity of the model (needs `model.supportsDeepLiftRescale`).
   */
  readonly rule: "gradient" | "rescale";
  /** Multiply the multipliers by `(x − b)` (Captum's `multiply_by_inputs`). Default true. */
  readonly multiplyByInputs: boolean;
  /** Also return `Σ attr − (f(x) − f(b))` per row. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/** Gradients of the input half's scores through one forward of `[inputs; baselines]` under the Rescale rule. */
function rescaleMultipliers(step: AttributionStepInputs, sides: readonly InputSide[], inputs: SideTensors, baselines: SideTensors): SideTensors {
  const f = (...xs: tf.Tensor[]) => {
    const points = mapSides(sides, (s) => tf.concat([xs[sides.indexOf(s)] as tf.Tensor3D, baselines[s]]));
    const { scores } = step.forward({ repeat: 2, sourceEmbeds: points.source, targetEmbeds: points.target, deepLiftReference: "rescale" });
    return tf.sum(tf.slice(scores, 0, step.batchSize));
  };
  const grads = tf.grads(f)(sides.map((s) => inputs[s]));
  return mapSides(sides, (s) => grads[sides.indexOf(s)] as tf.Tensor3D);
}

/**
 * DeepLIFT (Shrikumar et al., 2017): attributions `(x − b) · m` with multipliers `m` from the chosen rule (see
 * {@link DeepLiftOptions.rule}). inseq id `deeplift`.
 */
export class DeepLift implements AttributionMethod<DeepLiftOptions> {
  readonly methodName = "deeplift";
  readonly usesBaselines = true;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): DeepLiftOptions {
    const read = optionReader(this.methodName, raw, ["rule", "multiplyByInputs", "returnConvergenceDelta"]);
    return {
      rule: read.choice("rule", ["gradient", "rescale"], "gradient"),
      multiplyByInputs: read.boolean("multiplyByInputs", true),
      returnConvergenceDelta: read.boolean("returnConvergenceDelta", false),
    };
  }

  /** Fails before the step loop when the model cannot apply the Rescale rule. */
  hook(model: AttributionModel, options: DeepLiftOptions): void {
    if (options.rule === "rescale" && !model.supportsDeepLiftRescale) {
      throw inseqError("INVALID_OPTION", `deeplift: ${model.modelClass} does not support rule "rescale" (its forward cannot apply DeepLIFT's Rescale rule); use rule "gradient".`);
    }
  }

  attributeStep(step: AttributionStepInputs, options: DeepLiftOptions): StepAttribution {
    this.hook(step.model, options);
    return tf.tidy(() => {
      const sides = attributedSides(step);
      const inputs = inputsOf(step, sides);
      const baselines = baselinesOf(step, sides);
      const m = options.rule === "rescale" ? rescaleMultipliers(step, sides, inputs, baselines) : inputGradients(step, inputs);
      const attributions = mapSides(sides, (s) => (options.multiplyByInputs ? (tf.mul(tf.sub(inputs[s], baselines[s]), m[s]) as tf.Tensor3D) : m[s]));
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(step, attributions, baselines, inputs) : undefined;
      return { source: attributions.source, target: attributions.target, deltas };
    });
  }
}
