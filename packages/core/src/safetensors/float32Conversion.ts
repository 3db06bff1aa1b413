// Vectorisable float32 conversions for the safetensors reader: typed-array loops with no per-element calls, each
// optionally transposing a 2-D tensor and noting non-finite values in the same pass. Inputs are typed-array views of
// little-endian file bytes (the caller copies unaligned data once first); outputs are Uint32Array views of the
// float32 result, written bit for bit.

/** Whether typed arrays read little-endian data as is (every mainstream JS engine; checked once). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Tile edge of the blocked transposes: a 64 × 64 tile of reads and writes stays in the L1/L2 caches. */
const TILE = 64;

/**
 * Two 16-bit values per 32-bit load where `src` is 4-byte aligned (little-endian: the low half is the first value),
 * else `undefined`.
 */
function pairs(src: Uint16Array): Uint32Array | undefined {
  return src.byteOffset % 4 === 0 ? new Uint32Array(src.buffer, src.byteOffset, src.length >> 1) : undefined;
}

/** BF16 → F32 bits (BF16 is the top half of an F32). Returns whether every value is finite. */
export function bf16ToF32(src: Uint16Array, dst: Uint32Array): boolean {
  let exp = 0;
  let i = 0;
  const words = pairs(src);
  if (words) {
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      dst[2 * k] = w << 16;
      dst[2 * k + 1] = w & 0xffff0000;
      // (h & 0x7f80) + 0x80 reaches bit 15 only when the exponent is all ones (±Infinity, NaN)
      exp |= ((w & 0x7f80) + 0x80) | (((w >>> 16) & 0x7f80) + 0x80);
    }
    i = 2 * words.length;
  }
  for (; i < src.length; i++) {
    const h = src[i];
    dst[i] = h << 16;
    exp |= (h & 0x7f80) + 0x80;
  }
  return (exp & 0x8000) === 0;
}

let f16Table: Uint32Array | undefined;

/**
 * The 65 536-entry F16 → F32 bit table, built on first use: ±0, subnormals (exact in F32), normals, ±Infinity, and
 * NaNs with their sign and payload kept.
 */
export function float16Table(): Uint32Array {
  if (f16Table) return f16Table;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 31) table[h] = (sign | 0x7f800000 | (m << 13)) >>> 0;
    else if (e !== 0) table[h] = (sign | ((e - 15 + 127) << 23) | (m << 13)) >>> 0;
    else if (m === 0) table[h] = sign >>> 0;
    else {
      // subnormal m · 2⁻²⁴: normalise the mantissa into an F32 normal
      let shift = 0;
      let mm = m;
      while ((mm & 0x400) === 0) { mm <<= 1; shift++; }
      table[h] = (sign | ((127 - 15 - shift + 1) << 23) | ((mm & 0x3ff) << 13)) >>> 0;
    }
  }
  return (f16Table = table);
}

/** F16 → F32 bits through {@link float16Table}. Returns whether every value is finite. */
export function f16ToF32(src: Uint16Array, dst: Uint32Array): boolean {
  const table = float16Table();
  let exp = 0;
  let i = 0;
  const words = pairs(src);
  if (words) {
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      dst[2 * k] = table[w & 0xffff];
      dst[2 * k + 1] = table[w >>> 16];
      exp |= ((w & 0x7c00) + 0x400) | (((w >>> 16) & 0x7c00) + 0x400);
    }
    i = 2 * words.length;
  }
  for (; i < src.length; i++) {
    const h = src[i];
    dst[i] = table[h];
    exp |= (h & 0x7c00) + 0x400;
  }
  return (exp & 0x8000) === 0;
}

/**
 * `(rows, cols)` BF16 → `(cols, rows)` F32 bits, tile by tile; with an even `cols` and aligned data, two adjacent
 * columns per 32-bit load. Returns whether every value is finite.
 */
export function bf16ToF32Transposed(src: Uint16Array, dst: Uint32Array, rows: number, cols: number): boolean {
  const words = cols % 2 === 0 ? pairs(src) : undefined;
  let exp = 0;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      if (words) {
        const step = cols >> 1;
        for (let j = j0; j < j1; j += 2) {
          const o0 = j * rows;
          const o1 = o0 + rows;
          let k = (i0 * cols + j) >> 1;
          for (let i = i0; i < i1; i++, k += step) {
            const w = words[k];
            dst[o0 + i] = w << 16;
            dst[o1 + i] = w & 0xffff0000;
            exp |= ((w & 0x7f80) + 0x80) | (((w >>> 16) & 0x7f80) + 0x80);
          }
        }
        continue;
      }
      for (let j = j0; j < j1; j++) {
        const o = j * rows;
        for (let i = i0; i < i1; i++) {
          const h = src[i * cols + j];
          dst[o + i] = h << 16;
          exp |= (h & 0x7f80) + 0x80;
        }
      }
    }
  }
  return (exp & 0x8000) === 0;
}

/** `(rows, cols)` F16 → `(cols, rows)` F32 bits, tile by tile, as {@link bf16ToF32Transposed}. Returns whether every value is finite. */
export function f16ToF32Transposed(src: Uint16Array, dst: Uint32Array, rows: number, cols: number): boolean {
  const table = float16Table();
  const words = cols % 2 === 0 ? pairs(src) : undefined;
  let exp = 0;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      if (words) {
        const step = cols >> 1;
        for (let j = j0; j < j1; j += 2) {
          const o0 = j * rows;
          const o1 = o0 + rows;
          let k = (i0 * cols + j) >> 1;
          for (let i = i0; i < i1; i++, k += step) {
            const w = words[k];
            dst[o0 + i] = table[w & 0xffff];
            dst[o1 + i] = table[w >>> 16];
            exp |= ((w & 0x7c00) + 0x400) | (((w >>> 16) & 0x7c00) + 0x400);
          }
        }
        continue;
      }
      for (let j = j0; j < j1; j++) {
        const o = j * rows;
        for (let i = i0; i < i1; i++) {
          const h = src[i * cols + j];
          dst[o + i] = table[h];
          exp |= (h & 0x7c00) + 0x400;
        }
      }
    }
  }
  return (exp & 0x8000) === 0;
}

/** `(rows, cols)` F32 bits → `(cols, rows)`, tile by tile. Returns whether every value is finite. */
export function f32Transposed(src: Uint32Array, dst: Uint32Array, rows: number, cols: number): boolean {
  let exp = 0;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let j = j0; j < j1; j++) {
        const o = j * rows;
        for (let i = i0; i < i1; i++) {
          const x = src[i * cols + j];
          dst[o + i] = x;
          // exponent byte + 1 reaches bit 8 only when it is 0xff (±Infinity, NaN)
          exp |= ((x >>> 23) & 0xff) + 1;
        }
      }
    }
  }
  return (exp & 0x100) === 0;
}
