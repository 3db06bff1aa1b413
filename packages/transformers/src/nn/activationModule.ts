import type * as tf from "@tensorflow/tfjs-core";
import { rescaleActivation } from "@inseqjs/backend-tfjs";
import type { LayerHooks } from "../layers/LayerHooks.js";
import type { Activation } from "./activationFunction.js";

/**
 * Runs the elementwise activation `act` as the module `name` (capturable, overridable); under DeepLIFT's Rescale rule
 * (`forward(..., { deepLiftReference: "rescale" })`) its gradient is the secant slope between the batch halves.
 */
export function activationModule<T extends tf.Tensor>(hooks: LayerHooks, name: string, x: T, act: Activation): T {
  return hooks.module(name, x, (v) => (hooks.deepLiftReference === "rescale" ? rescaleActivation(act, v) : act(v)));
}
