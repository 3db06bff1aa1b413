import * as tf from "@tensorflow/tfjs-core";

/**
 * Additive score of a masked attention entry. Large enough that `exp` underflows to exactly 0 next to real scores,
 * finite so that a fully masked row (a padding query) stays NaN-free and two masks can be summed.
 */
export const MASKED_SCORE = -1e9;

/** Options of {@link additiveAttentionMask}. */
export interface AttentionMaskOptions {
  /** Number of query positions. */
  readonly queryLength: number;
  /** Number of key positions (default `queryLength`). */
  readonly keyLength?: number;
  /** `(batch, keyLength)` 1 for real tokens, 0 for padding; padding keys are masked for every query. */
  readonly keyMask?: tf.Tensor2D;
  /** Masks keys after the query (queries aligned to the last keys when `keyLength > queryLength`). */
  readonly causal?: boolean;
}

/**
 * Additive attention mask broadcastable to `(batch, heads, queryLength, keyLength)`: 0 where attention is allowed,
 * {@link MASKED_SCORE} where it is not. `undefined` when nothing is masked. Build it once per forward from the
 * (non-differentiated) padding mask and share it across layers.
 */
export function additiveAttentionMask(options: AttentionMaskOptions): tf.Tensor4D | undefined {
  const { queryLength, keyMask, causal = false } = options;
  const keyLength = options.keyLength ?? queryLength;
  if (!causal && !keyMask) return undefined;
  return tf.tidy(() => {
    let mask: tf.Tensor | undefined;
    if (causal) {
      const rows = tf.reshape(tf.range(keyLength - queryLength, keyLength, 1, "int32"), [queryLength, 1]);
      const cols = tf.reshape(tf.range(0, keyLength, 1, "int32"), [1, keyLength]);
      mask = tf.reshape(tf.mul(tf.cast(tf.greater(cols, rows), "float32"), MASKED_SCORE), [1, 1, queryLength, keyLength]);
    }
    if (keyMask) {
      if (keyMask.shape[1] !== keyLength) throw new Error(`additiveAttentionMask: key mask [${keyMask.shape}] does not have ${keyLength} keys.`);
      const pad = tf.reshape(tf.mul(tf.sub(1, tf.cast(keyMask, "float32")), MASKED_SCORE), [keyMask.shape[0], 1, 1, keyLength]);
      mask = mask ? tf.add(mask, pad) : pad;
    }
    return mask as tf.Tensor4D;
  });
}
