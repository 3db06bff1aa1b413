import * as tf from "@tensorflow/tfjs-core";

/** Cosines and sines of rotary position embeddings, `(batch, len, headDim)` each. */
export interface RotaryTables {
  readonly cos: tf.Tensor3D;
  readonly sin: tf.Tensor3D;
}

/**
 * Rotary tables as Hugging Face's `*RotaryEmbedding` computes them: `freqs = position · invFreq`, `emb = [freqs, freqs]`
 * (halves, not interleaved), `cos(emb) · scaling`, `sin(emb) · scaling`, in float32.
 * @param positions `(batch, len)` position ids (from the padding mask for left-padded rows)
 * @param inverseFrequencies `headDim / 2` inverse frequencies (after any rope scaling), or one such list per row
 *   (dynamic scaling, whose frequencies depend on the row's length)
 * @param scaling the rope type's attention factor (1 for default, linear, dynamic and llama3)
 */
export function rotaryCosSin(positions: tf.Tensor2D, inverseFrequencies: ArrayLike<number> | readonly ArrayLike<number>[], scaling = 1): RotaryTables {
  const [batch, length] = positions.shape;
  const rows = typeof inverseFrequencies[0] === "number" ? [inverseFrequencies as ArrayLike<number>] : (inverseFrequencies as readonly ArrayLike<number>[]);
  if (rows.length !== 1 && rows.length !== batch) throw new Error(`rotaryCosSin: ${rows.length} frequency rows for a batch of ${batch}.`);
  const half = rows[0].length;
  return tf.tidy(() => {
    const inv = tf.tensor3d(Float32Array.from(rows.flatMap((r) => Array.from(r))), [rows.length, 1, half]);
    const freqs = tf.mul(tf.reshape(tf.cast(positions, "float32"), [batch, length, 1]), inv);
    const emb = tf.concat([freqs, freqs], 2);
    const scale = <T extends tf.Tensor>(t: T): T => (scaling === 1 ? t : (tf.mul(t, scaling) as T));
    return { cos: scale(tf.cos(emb)) as tf.Tensor3D, sin: scale(tf.sin(emb)) as tf.Tensor3D };
  });
}
