import type * as tf from "@tensorflow/tfjs-core";
import { rmsNorm } from "@inseqjs/backend-tfjs";
import type { LayerHooks } from "../layers/LayerHooks.js";

/** A named RMSNorm (`input_layernorm`, `model.norm`, `q_norm`, ...) through the hooks; `weight` already holds Gemma's `1 + w`. */
export function rmsNormModule<T extends tf.Tensor>(hooks: LayerHooks, name: string, x: T, p: { readonly weight: tf.Tensor1D; readonly eps: number }): T {
  return hooks.module(name, x, (v) => rmsNorm(v, p.weight, p.eps));
}
