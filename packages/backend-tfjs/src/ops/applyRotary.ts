import * as tf from "@tensorflow/tfjs-core";
import type { RotaryTables } from "./rotaryCosSin.js";

/**
 * Rotary position embedding of `x (batch, heads, len, headDim)`: `x · cos + rotate_half(x) · sin` with
 * `rotate_half(x) = [−x₂, x₁]` over the two halves of the head dimension (Hugging Face's `apply_rotary_pos_emb`).
 * Differentiable in `x` with slices and concats only.
 */
export function applyRotary(x: tf.Tensor4D, tables: RotaryTables): tf.Tensor4D {
  const [batch, , length, headDim] = x.shape;
  if (headDim % 2 !== 0) throw new Error(`applyRotary: head dimension ${headDim} must be even.`);
  const [tb, tl, td] = tables.cos.shape;
  if ((tb !== batch && tb !== 1) || tl !== length || td !== headDim) {
    throw new Error(`applyRotary: tables [${tables.cos.shape}] do not match x [${x.shape}].`);
  }
  return tf.tidy(() => {
    const cos = tf.reshape(tables.cos, [tb, 1, length, headDim]);
    const sin = tf.reshape(tables.sin, [tb, 1, length, headDim]);
    const [x1, x2] = tf.split(x, 2, 3);
    const rotated = tf.concat([tf.neg(x2), x1], 3);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin)) as tf.Tensor4D;
  });
}
