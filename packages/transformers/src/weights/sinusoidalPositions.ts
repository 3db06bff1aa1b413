/**
 * The position table of Hugging Face's `MarianSinusoidalPositionalEmbedding`, `(numPositions, dim)` row-major:
 * column `j < ⌈dim/2⌉` is `sin(pos / 10000^(2j/dim))` and column `⌈dim/2⌉ + j` is `cos(pos / 10000^(2j/dim))`
 * (first half sines, second half cosines — not interleaved), computed in float64 and rounded once, as numpy does.
 */
export function sinusoidalPositions(numPositions: number, dim: number): Float32Array {
  const out = new Float32Array(numPositions * dim);
  const sentinel = dim % 2 === 0 ? dim / 2 : (dim + 1) / 2;
  for (let pos = 0; pos < numPositions; pos++) {
    const row = pos * dim;
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      if (j % 2 === 0) out[row + j / 2] = Math.sin(angle);
      else out[row + sentinel + (j - 1) / 2] = Math.cos(angle);
    }
  }
  return out;
}
