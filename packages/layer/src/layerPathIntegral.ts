import type * as tf from "@tensorflow/tfjs-core";
import { pathPoints, pointCoefficients, sumOverChunks, weightedCopySum } from "@inseqjs/core";
import type { AttributionStepInputs, PathParameters } from "@inseqjs/core";
import { layerGradients, mapLayers } from "./layerForward.js";
import type { LayerTensors } from "./layerForward.js";
import type { ResolvedLayer } from "./resolveLayer.js";

/**
 * `Σ_k w_k · ∂f/∂a` at the layer activations `a_b + α_k (a_x − a_b)` of the path, evaluated `internalBatchSize` rows
 * (points × batch, copy-major) per forward with core's chunking; only one chunk's forward/backward is alive at a time.
 */
export function integrateLayerGradients(
  step: AttributionStepInputs,
  layers: readonly ResolvedLayer[],
  end: LayerTensors,
  start: LayerTensors,
  path: PathParameters,
  internalBatchSize?: number,
): LayerTensors {
  const B = step.batchSize;
  const sums = sumOverChunks(B, { nPoints: path.alphas.length, internalBatchSize }, (from, to) => {
    const coefficients = pointCoefficients(path.alphas.slice(from, to), B);
    const points = mapLayers(layers, (key) => pathPoints(end[key], start[key], coefficients));
    const grads = layerGradients(step, layers, points, to - from);
    return mapLayers(layers, (key) => weightedCopySum(grads[key], path.stepSizes.slice(from, to), B));
  });
  return sums as Record<string, tf.Tensor3D>;
}
