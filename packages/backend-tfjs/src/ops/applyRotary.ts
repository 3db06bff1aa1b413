import * as tf from "@tensorflow/tfjs-core";
import type { RotaryTables } from "./rotaryCosSin.js";

/** `[−x₂, x₁]` over the two halves of the last axis (Hugging Face's `rotate_half`), or its transpose `[x₂, −x₁]`. */
function rotateHalf(x: tf.Tensor, transpose: boolean): tf.Tensor {
  const [x1, x2] = tf.split(x, 2, x.rank - 1);
  return transpose ? tf.concat([x2, tf.neg(x1)], x.rank - 1) : tf.concat([tf.neg(x2), x1], x.rank - 1);
}

/**
 * Rotary position embedding of `x (batch, heads, len, headDim)`: `x · cos + rotate_half(x) · sin` with
 * `rotate_half(x) = [−x₂, x₁]` over the two halves of the head dimension (Hugging Face's `apply_rotary_pos_emb`).
 * One custom-gradient op: the map is linear in `x`, so the backward is its transpose,
 * `dy · cos + rotate_halfᵀ(dy · sin)`, and nothing but the (constant) tables is kept.
 */
export function applyRotary(x: tf.Tensor4D, tables: RotaryTables): tf.Tensor4D {
  const [batch, , length, headDim] = x.shape;
  if (headDim % 2 !== 0) throw new Error(`applyRotary: head dimension ${headDim} must be even.`);
  const [tb, tl, td] = tables.cos.shape;
  if ((tb !== batch && tb !== 1) || tl !== length || td !== headDim) {
    throw new Error(`applyRotary: tables [${tables.cos.shape}] do not match x [${x.shape}].`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const cos = tf.reshape(tables.cos, [tb, 1, length, headDim]);
    const sin = tf.reshape(tables.sin, [tb, 1, length, headDim]);
    save([cos, sin]);
    return {
      value: tf.add(tf.mul(input, cos), tf.mul(rotateHalf(input, false), sin)),
      gradFunc: (dy: tf.Tensor, [c, s]: tf.Tensor[]) => tf.tidy(() => tf.add(tf.mul(dy, c), rotateHalf(tf.mul(dy, s), true))),
    };
  });
  return op(x) as tf.Tensor4D;
}
