import * as tf from "@tensorflow/tfjs-core";
import { approximationParameters, attributedSides, baselinesOf, convergenceDeltas, inputsOf, mapSides, pathPoints, pointCoefficients, sumOverPath, weightedCopySum } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, InputSide, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { optionReader } from "@inseqjs/core";
import { PATH_OPTION_NAMES, readPathOptions } from "./pathOptions.js";
import type { PathOptions } from "./pathOptions.js";

/** Options of {@link SequentialIntegratedGradients}. */
export type SequentialIntegratedGradientsOptions = PathOptions;

/**
 * Sequential integrated gradients (Enguehard, 2023), as inseq's `SequentialIntegratedGradients`: integrated
 * gradients for one position at a time, along `x_i → b_i` with every other position (and the other input side) held
 * at its input value; the position's own gradient column is kept. Deltas compare with `f(x) − f(b)` for the full
 * baseline. Sides are interpolated one after the other (inseq requires equal source and target lengths instead).
 * inseq id `sequential_integrated_gradients`.
 */
export class SequentialIntegratedGradients implements AttributionMethod<SequentialIntegratedGradientsOptions> {
  readonly methodName = "sequential_integrated_gradients";
  readonly usesBaselines = true;
  readonly attributesIds = false;

  resolveOptions(raw: RawMethodOptions): SequentialIntegratedGradientsOptions {
    return readPathOptions(optionReader(this.methodName, raw, PATH_OPTION_NAMES));
  }

  attributeStep(step: AttributionStepInputs, options: SequentialIntegratedGradientsOptions): StepAttribution {
    const sides = attributedSides(step);
    const inputs = inputsOf(step, sides);
    const baselines = baselinesOf(step, sides);
    const { alphas, stepSizes } = approximationParameters(options.method, options.nSteps);
    const B = step.batchSize;
    const column = (t: tf.Tensor3D, i: number) => tf.slice(t, [0, i, 0], [-1, 1, -1]);

    const integratePosition = (side: InputSide, i: number): tf.Tensor3D => {
      const [x, b] = [inputs[side], baselines[side]];
      const sums = sumOverPath(step, {
        nPoints: options.nSteps,
        internalBatchSize: options.internalBatchSize,
        pointsAt: (start, end) => {
          const copies = end - start;
          const moving = pathPoints(column(x, i), column(b, i), pointCoefficients(alphas.slice(start, end), B));
          const before = tf.tile(tf.slice(x, [0, 0, 0], [-1, i, -1]), [copies, 1, 1]);
          const after = tf.tile(tf.slice(x, [0, i + 1, 0], [-1, -1, -1]), [copies, 1, 1]);
          return { [side]: tf.concat([before, moving, after], 1) as tf.Tensor3D };
        },
        reduce: (grads, start, end) => ({ column: weightedCopySum(column(grads[side], i), stepSizes.slice(start, end), B) }),
      });
      return sums.column as tf.Tensor3D;
    };

    const integrated = mapSides(sides, (side) => {
      const columns = Array.from({ length: inputs[side].shape[1] }, (_, i) => integratePosition(side, i));
      const all = tf.concat(columns, 1) as tf.Tensor3D;
      tf.dispose(columns);
      return all;
    });
    const result = tf.tidy(() => {
      const attributions = mapSides(sides, (s) => (options.multiplyByInputs ? (tf.mul(integrated[s], tf.sub(inputs[s], baselines[s])) as tf.Tensor3D) : integrated[s]));
      const deltas = options.returnConvergenceDelta ? convergenceDeltas(step, attributions, baselines, inputs, options.internalBatchSize) : undefined;
      return { source: attributions.source, target: attributions.target, deltas };
    });
    if (options.multiplyByInputs) tf.dispose(Object.values(integrated));
    return result;
  }
}
