import { f32Transposed } from "@inseqjs/core";

/** `(rows, cols)` row-major values → a new `(cols, rows)` array: core's tiled one-pass transpose of the f32 bits. */
export function transposeFloat32(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  f32Transposed(new Uint32Array(values.buffer, values.byteOffset, values.length), new Uint32Array(out.buffer), rows, cols);
  return out;
}
