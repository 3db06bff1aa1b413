import { inseqError } from "@inseqjs/core";
import { hashFloat32Array } from "./hashFloat32.js";

/** The scaled vocabulary embedding space the path builder searches, on the host. */
export interface VocabularySpace {
  /** `(vocabSize, hiddenSize)` row-major embeddings × `embedScale`, rounded to float32 as torch multiplies. */
  readonly data: Float32Array;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly embedScale: number;
  /** Squared Euclidean norm of every scaled row, in float64. */
  readonly squaredNorms: Float64Array;
  /** Euclidean norm of every scaled row, in float64. */
  readonly norms: Float64Array;
  /** 64-bit content hash of `data` (every byte), 16 hex digits. */
  readonly hash: string;
}

/**
 * Scales `(vocabSize × hiddenSize)` embeddings by `embedScale` (float32 products, as `E * scale` in torch), and
 * precomputes row norms and the content hash used to key neighbour caches.
 */
export function createVocabularySpace(embeddings: Float32Array, vocabSize: number, hiddenSize: number, embedScale = 1): VocabularySpace {
  if (!Number.isInteger(vocabSize) || !Number.isInteger(hiddenSize) || vocabSize < 1 || hiddenSize < 1 || embeddings.length !== vocabSize * hiddenSize) {
    throw inseqError("INVALID_OPTION", `Vocabulary embeddings hold ${embeddings.length} values, not vocabSize × hiddenSize = ${vocabSize} × ${hiddenSize}; pass the (vocab, hidden) embedding matrix.`);
  }
  if (!Number.isFinite(embedScale) || embedScale <= 0) {
    throw inseqError("INVALID_OPTION", `embedScale must be a positive finite number, got ${embedScale}.`);
  }
  const scale = Math.fround(embedScale);
  const data = scale === 1 ? embeddings.slice() : new Float32Array(embeddings.length);
  if (scale !== 1) for (let i = 0; i < embeddings.length; i++) data[i] = embeddings[i] * scale;
  const squaredNorms = new Float64Array(vocabSize);
  const norms = new Float64Array(vocabSize);
  for (let r = 0; r < vocabSize; r++) {
    let s = 0;
    for (let i = r * hiddenSize, end = i + hiddenSize; i < end; i++) s += data[i] * data[i];
    squaredNorms[r] = s;
    norms[r] = Math.sqrt(s);
  }
  return { data, vocabSize, hiddenSize, embedScale, squaredNorms, norms, hash: hashFloat32Array(data) };
}
