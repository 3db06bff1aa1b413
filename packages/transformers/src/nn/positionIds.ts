import * as tf from "@tensorflow/tfjs-core";

/**
 * `(batch, len)` int32 position ids: `0..len-1` without a mask; with a padding mask, `cumsum(mask) − 1` clamped at 0,
 * so that a left-padded row numbers its real tokens exactly as the unpadded row does (and right padding changes
 * nothing for real tokens).
 */
export function positionIds(batch: number, length: number, mask?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (!mask) return tf.tile(tf.reshape(tf.range(0, length, 1, "int32"), [1, length]), [batch, 1]) as tf.Tensor2D;
    return tf.cast(tf.relu(tf.sub(tf.cumsum(tf.cast(mask, "float32"), 1), 1)), "int32") as tf.Tensor2D;
  });
}
