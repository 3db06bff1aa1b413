const f32 = Math.fround;

/**
 * The position table of Hugging Face's `M2M100SinusoidalPositionalEmbedding.get_embedding`, `(numEmbeddings, dim)`
 * row-major: with `half = ⌊dim/2⌋` and `freq_j = exp(−j·ln(10000)/(half − 1))`, column `j < half` is
 * `sin(pos·freq_j)` and column `half + j` is `cos(pos·freq_j)` (a zero column last when `dim` is odd); the row
 * `paddingIdx` is all zeros. Computed in float32 step by step as PyTorch does.
 */
export function m2m100SinusoidalPositions(numEmbeddings: number, dim: number, paddingIdx: number): Float32Array {
  const half = Math.floor(dim / 2);
  const step = f32(-Math.log(10000) / (half - 1));
  const freq = Array.from({ length: half }, (_, j) => f32(Math.exp(f32(j * step))));
  const out = new Float32Array(numEmbeddings * dim);
  for (let pos = 0; pos < numEmbeddings; pos++) {
    if (pos === paddingIdx) continue;
    const row = pos * dim;
    for (let j = 0; j < half; j++) {
      const angle = f32(pos * freq[j]);
      out[row + j] = Math.sin(angle);
      out[row + half + j] = Math.cos(angle);
    }
  }
  return out;
}
