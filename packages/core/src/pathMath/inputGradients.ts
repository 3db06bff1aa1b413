import * as tf from "@tensorflow/tfjs-core";
import type { AttributionStepInputs } from "../method.js";
import type { InputSide } from "../model.js";
import { forwardInputs } from "./stepSides.js";
import type { SideTensors } from "./stepSides.js";

/**
 * Gradient of the summed attributed-function scores with respect to the embeddings in `points`
 * (`repeat` stacked copies of the batch per side; sides left out stay at the step's inputs), in one forward.
 * Rows are independent, so each row receives the gradient of its own score.
 */
export function inputGradients(step: AttributionStepInputs, points: SideTensors, repeat = 1): SideTensors {
  const sides = (["source", "target"] as InputSide[]).filter((side) => points[side] !== undefined);
  return tf.tidy(() => {
    const f = (...xs: tf.Tensor[]) =>
      tf.sum(step.forward(forwardInputs(Object.fromEntries(sides.map((side, i) => [side, xs[i] as tf.Tensor3D])), repeat)).scores);
    const grads = tf.grads(f)(sides.map((side) => points[side]));
    return Object.fromEntries(sides.map((side, i) => [side, grads[i] as tf.Tensor3D]));
  });
}
