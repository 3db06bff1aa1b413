import * as tf from "@tensorflow/tfjs-core";

/** Exact GELU (`torch.nn.functional.gelu`, Hugging Face `gelu`): `0.5·x·(1 + erf(x/√2))`. */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as T);
}
