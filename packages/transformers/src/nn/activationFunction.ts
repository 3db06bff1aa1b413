import * as tf from "@tensorflow/tfjs-core";
import { gelu, geluNew, silu } from "@inseqjs/backend-tfjs";
import { inseqError } from "@inseqjs/core";

/** An elementwise activation. */
export type Activation = <T extends tf.Tensor>(x: T) => T;

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  gelu_new: geluNew,
  gelu_pytorch_tanh: geluNew,
  gelu_fast: geluNew,
  gelu: gelu,
  silu: silu,
  swish: silu,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
};

/** The activation that Hugging Face's `ACT2FN[name]` computes; `UNSUPPORTED_MODEL_TYPE` for others. */
export function activationFunction(name: string, modelType: string): Activation {
  const f = ACTIVATIONS[name];
  if (!f) {
    throw inseqError("UNSUPPORTED_MODEL_TYPE", `Activation "${name}" of this ${modelType} model is not implemented (supported: ${Object.keys(ACTIVATIONS).join(", ")}).`);
  }
  return f;
}
