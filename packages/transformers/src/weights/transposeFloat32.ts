/** Tile edge of the blocked transpose: a 64 × 64 tile of reads and writes stays in cache. */
const TILE = 64;

/** `(rows, cols)` row-major values → a new `(cols, rows)` array, tile by tile (one pass, no tf kernel). */
export function transposeFloat32(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let j = j0; j < j1; j++) {
        const o = j * rows;
        for (let i = i0; i < i1; i++) out[o + i] = values[i * cols + j];
      }
    }
  }
  return out;
}
