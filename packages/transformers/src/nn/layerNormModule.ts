import type * as tf from "@tensorflow/tfjs-core";
import { layerNorm } from "@inseqjs/backend-tfjs";
import type { LayerHooks } from "../layers/LayerHooks.js";
import type { LayerNormParams } from "./params.js";

/** A named layer norm (`ln_1`, `self_attn_layer_norm`, ...) through the hooks. */
export function layerNormModule<T extends tf.Tensor>(hooks: LayerHooks, name: string, x: T, p: LayerNormParams): T {
  return hooks.module(name, x, (v) => layerNorm(v, p.gamma, p.beta, p.eps));
}
