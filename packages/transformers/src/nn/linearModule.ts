import type * as tf from "@tensorflow/tfjs-core";
import { linear } from "@inseqjs/backend-tfjs";
import type { LayerHooks } from "../layers/LayerHooks.js";
import type { LinearParams } from "./params.js";

/** A named linear layer (`c_fc`, `q_proj`, ...): `x·W + b` through the hooks. */
export function linearModule<T extends tf.Tensor2D | tf.Tensor3D>(hooks: LayerHooks, name: string, x: T, p: LinearParams): T {
  return hooks.module(name, x, (v) => linear(v, p.weight, p.bias));
}
