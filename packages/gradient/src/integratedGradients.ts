import * as tf from "@tensorflow/tfjs-core";
import { approximationParameters, attributedSides, baselinesOf, convergenceDeltas, inputsOf, mapSides, pathPoints, pointCoefficients, sumOverPath, weightedCopySum } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { optionReader } from "@inseqjs/core";
import { PATH_OPTION_NAMES, readPathOptions } from "./pathOptions.js";
import type { PathOptions } from "./pathOptions.js";

/** Options of {@link IntegratedGradients}. */
export type IntegratedGradientsOptions = PathOptions;

/**
 * Integrated gradients (Sundararajan et al., 2017) as Captum computes it: gradients at `b + α_k(x − b)` for the
 * approximation's points α_k, weighted by its step sizes and summed, times `(x − b)`. inseq id `integrated_gradients`.
 */
export class IntegratedGradients implements AttributionMethod<IntegratedGradientsOptions> {
  readonly methodName = "integrated_gradients";
  readonly usesBaselines = true;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): IntegratedGradientsOptions {
    return readPathOptions(optionReader(this.methodName, raw, PATH_OPTION_NAMES));
  }

  attributeStep(step: AttributionStepInputs, options: IntegratedGradientsOptions): StepAttribution {
    const sides = attributedSides(step);
    const inputs = inputsOf(step, sides);
    const baselines = baselinesOf(step, sides);
    const { alphas, stepSizes } = approximationParameters(options.method, options.nSteps);
    const integrated = sumOverPath(step, {
      nPoints: options.nSteps,
      internalBatchSize: options.internalBatchSize,
      pointsAt: (start, end) => {
        const coefficients = pointCoefficients(alphas.slice(start, end), step.batchSize);
        return mapSides(sides, (s) => pathPoints(inputs[s], baselines[s], coefficients));
      },
      reduce: (grads, start, end) => mapSides(sides, (s) => weightedCopySum(grads[s], stepSizes.slice(start, end), step.batchSize)),
    });
    const result = tf.tidy(() => {
      const attributions = mapSides(sides, (s) =>
        options.multiplyByInputs ? (tf.mul(integrated[s], tf.sub(inputs[s], baselines[s])) as tf.Tensor3D) : (integrated[s] as tf.Tensor3D),
      );
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(step, attributions, baselines, inputs, options.internalBatchSize) : undefined;
      return { source: attributions.source, target: attributions.target, deltas };
    });
    if (options.multiplyByInputs) tf.dispose(Object.values(integrated));
    return result;
  }
}
