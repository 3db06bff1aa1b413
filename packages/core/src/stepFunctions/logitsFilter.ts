import { inseqError } from "../errors.js";

/**
 * Host-side top-p (nucleus) filter, as Hugging Face's and inseq's `top_p_logits_mask`: per row, tokens sorted by
 * ascending logit are removed while the cumulative softmax probability stays ≤ `1 − topP`; the `minTokensToKeep`
 * most likely tokens are always kept. `logits` is `(rows, vocab)` row-major; returns 1 for removed entries.
 */
export function topPRemovalMask(logits: ArrayLike<number>, rows: number, vocab: number, topP: number, minTokensToKeep = 1): Uint8Array {
  if (!(topP >= 0 && topP <= 1)) throw inseqError("INVALID_OPTION", `topP must be in [0, 1], got ${topP}.`);
  if (!Number.isInteger(minTokensToKeep) || minTokensToKeep < 1) throw inseqError("INVALID_OPTION", `minTokensToKeep must be a positive integer, got ${minTokensToKeep}.`);
  const removed = new Uint8Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: vocab }, (_, j) => logits[r * vocab + j]);
    const order = row.map((_, j) => j).sort((a, b) => row[a] - row[b]);
    const max = row[order[vocab - 1]];
    let z = 0;
    for (const v of row) z += Math.exp(v - max);
    let cumulative = 0;
    for (let i = 0; i < vocab - minTokensToKeep; i++) {
      cumulative += Math.exp(row[order[i]] - max) / z;
      if (cumulative <= 1 - topP) removed[r * vocab + order[i]] = 1;
    }
  }
  return removed;
}

/**
 * Host-side top-k filter (inseq's `top_k_logits_mask`): per row, removes every token whose logit is below the k-th
 * largest, `k = max(topK, minTokensToKeep)` (ties with the k-th are kept). Returns 1 for removed entries.
 */
export function topKRemovalMask(logits: ArrayLike<number>, rows: number, vocab: number, topK: number, minTokensToKeep = 1): Uint8Array {
  if (!Number.isInteger(topK) || topK < 0 || topK > vocab) throw inseqError("INVALID_OPTION", `topK must be an integer in [0, ${vocab}], got ${topK}.`);
  const k = Math.min(vocab, Math.max(topK, minTokensToKeep));
  const removed = new Uint8Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: vocab }, (_, j) => logits[r * vocab + j]);
    const threshold = [...row].sort((a, b) => b - a)[k - 1];
    row.forEach((v, j) => {
      if (v < threshold) removed[r * vocab + j] = 1;
    });
  }
  return removed;
}
