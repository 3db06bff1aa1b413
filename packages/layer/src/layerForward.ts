import * as tf from "@tensorflow/tfjs-core";
import { inseqError, stepSide } from "@inseqjs/core";
import type { AttributionStepInputs, InputSide, StepForwardInputs } from "@inseqjs/core";
import type { ResolvedLayer } from "./resolveLayer.js";

/** One `(rows, len, dim)` tensor per attributed layer, keyed by its capture key. */
export type LayerTensors = Record<string, tf.Tensor3D>;

/** Which ids of the step feed the attributed sides: the input ids or the baseline ids. */
export type IdsKind = "ids" | "baselineIds";

/**
 * Step forward inputs that feed `repeat` copies (copy-major) of the step's `kind` ids to the sides of `layers`, so
 * the model runs its own embedding layers there; the other side keeps its input embeddings (fixed).
 */
export function idsInputs(step: AttributionStepInputs, layers: readonly ResolvedLayer[], kind: IdsKind, repeat = 1): StepForwardInputs {
  const sides = new Set(layers.map((l) => l.side));
  const ids = (side: InputSide): tf.Tensor2D | undefined => {
    if (!sides.has(side)) return undefined;
    const t = stepSide(step, side)[kind];
    return repeat === 1 ? t : tf.tile(t, [repeat, 1]);
  };
  return { repeat, sourceIds: ids("source"), targetIds: ids("target") };
}

function checkActivation(step: AttributionStepInputs, layer: ResolvedLayer, t: tf.Tensor | undefined): tf.Tensor3D {
  if (!t) throw inseqError("INTERNAL", `The model did not return the captured layer "${layer.key}".`);
  if (t.dtype !== "float32") {
    throw inseqError("INVALID_OPTION", `Layer "${layer.key}" carries ${t.dtype} values (token ids), which have no gradient; attribute to the layer's output or to another layer.`);
  }
  const len = stepSide(step, layer.side).ids.shape[1];
  if (t.rank !== 3 || t.shape[0] !== step.batchSize || t.shape[1] !== len) {
    throw inseqError(
      "INVALID_OPTION",
      `Layer "${layer.key}" gives an activation of shape [${t.shape.join(", ")}]; layer methods need one vector per ${layer.side} token, [${step.batchSize}, ${len}, dim]. Pick a layer whose output is the hidden states (e.g. a whole block or the embeddings).`,
    );
  }
  return t as tf.Tensor3D;
}

/** Activations of `layers` and the attributed-function scores `(batch)` in one forward with the step's `kind` ids. */
export function captureLayers(step: AttributionStepInputs, layers: readonly ResolvedLayer[], kind: IdsKind): { activations: LayerTensors; scores: tf.Tensor1D } {
  const out = step.forward({ ...idsInputs(step, layers, kind), capture: layers.map((l) => l.key) });
  const activations = Object.fromEntries(layers.map((l) => [l.key, checkActivation(step, l, out.captured[l.key])]));
  return { activations, scores: out.scores };
}

/**
 * Gradient of the summed scores w.r.t. the layers' outputs (or inputs), set to `points` (`repeat` stacked copies of
 * the batch per layer) by `override` in a forward with the step's input ids. Rows are independent, so each row gets
 * the gradient of its own score.
 */
export function layerGradients(step: AttributionStepInputs, layers: readonly ResolvedLayer[], points: LayerTensors, repeat = 1): LayerTensors {
  return tf.tidy(() => {
    const keys = layers.map((l) => l.key);
    const inputs = idsInputs(step, layers, "ids", repeat);
    const f = (...xs: tf.Tensor[]) => tf.sum(step.forward({ ...inputs, override: Object.fromEntries(keys.map((k, i) => [k, xs[i]])) }).scores);
    const grads = tf.grads(f)(keys.map((k) => points[k]));
    return Object.fromEntries(keys.map((k, i) => [k, grads[i] as tf.Tensor3D]));
  });
}

/** `{ key: fn(key) }` for every layer. */
export function mapLayers(layers: readonly ResolvedLayer[], fn: (key: string) => tf.Tensor): LayerTensors {
  return Object.fromEntries(layers.map((l) => [l.key, fn(l.key) as tf.Tensor3D]));
}

/** Captum's convergence delta per row: `Σ attributions (all layers) − (f(x) − f(b))`, `(batch)`. */
export function convergenceDeltas(attributions: LayerTensors, fx: tf.Tensor1D, fb: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.addN(Object.values(attributions).map((a) => tf.sum(a, [1, 2]))), tf.sub(fx, fb)) as tf.Tensor1D);
}

/** A step result (core's `StepAttribution`) as a plain object type (so that `tf.tidy` can return it). */
export type LayerStepAttribution = { source?: tf.Tensor3D; target?: tf.Tensor3D; deltas?: tf.Tensor1D };

/** Places each layer's attribution on its side of the step result. */
export function toStepAttribution(layers: readonly ResolvedLayer[], attributions: LayerTensors, deltas?: tf.Tensor1D): LayerStepAttribution {
  const of = (side: InputSide) => {
    const layer = layers.find((l) => l.side === side);
    return layer ? attributions[layer.key] : undefined;
  };
  return { source: of("source"), target: of("target"), deltas };
}
