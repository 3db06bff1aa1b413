import * as tf from "@tensorflow/tfjs-core";
import type { AttributionStepInputs } from "../method.js";
import { scoresAlongPath } from "./pathIntegral.js";
import type { SideTensors } from "./stepSides.js";

/** Σ of every attribution of a row, over all attributed sides: `(batch)`. */
export function attributionRowSums(attributions: SideTensors): tf.Tensor1D {
  return tf.tidy(() => tf.addN(Object.values(attributions).map((a) => tf.sum(a, [1, 2]))) as tf.Tensor1D);
}

/**
 * Captum's `compute_convergence_delta`: `Σ attributions − (f(end) − f(start))` per row, summed over every attributed
 * input (source and target). `start`/`end` hold the attributed sides; other sides stay at the step's inputs.
 */
export function convergenceDeltas(
  step: AttributionStepInputs,
  attributions: SideTensors,
  start: SideTensors,
  end: SideTensors,
  internalBatchSize?: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const B = step.batchSize;
    const endpoints = [end, start];
    const scores = scoresAlongPath(step, {
      nPoints: 2,
      internalBatchSize,
      pointsAt: (s, e) =>
        Object.fromEntries(Object.keys(end).map((side) => [side, tf.concat(endpoints.slice(s, e).map((p) => p[side])) as tf.Tensor3D])),
    });
    const [fEnd, fStart] = tf.split(scores, [B, B]);
    return tf.sub(attributionRowSums(attributions), tf.sub(fEnd, fStart)) as tf.Tensor1D;
  });
}
