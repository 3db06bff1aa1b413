/**
 * bfloat16 (the top 16 bits of a float32) for the benchmark's BF16 checkpoints: core's `encodeSafetensors` writes
 * F32, F16, F8_E4M3, I8 and U8 only, so the bench rounds and writes BF16 itself.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Rounds the float32 bits `x` to bfloat16 bits, round-to-nearest-even; NaN stays a (quiet) NaN of the same sign. */
function roundBits(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x0040) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits of `v` (first rounded to float32), round-to-nearest-even; overflow rounds to ±Infinity. */
export function float32ToBf16Bits(v: number): number {
  F32[0] = v;
  return roundBits(U32[0]);
}

/** The float32 value of bfloat16 bits `b` (exact). */
export function bf16BitsToFloat32(b: number): number {
  U32[0] = (b & 0xffff) << 16;
  return F32[0];
}

/** bfloat16 bits of every value of `data`, round-to-nearest-even. */
export function toBf16(data: Float32Array): Uint16Array {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length);
  for (let i = 0; i < bits.length; i++) out[i] = roundBits(bits[i]);
  return out;
}

/** A tensor already in its stored bytes (little-endian), for {@link encodeSafetensorsBytes}. */
export interface RawSafetensor {
  readonly dtype: "BF16" | "F32";
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/**
 * Serialises tensors given as raw little-endian bytes to a safetensors file, in the layout of core's
 * `encodeSafetensors` (8-byte header length, JSON header padded with spaces to 8 bytes, names in the given order).
 */
export function encodeSafetensorsBytes(tensors: Readonly<Record<string, RawSafetensor>>, metadata?: Record<string, string>): Uint8Array {
  const size = { BF16: 2, F32: 4 } as const;
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.bytes.length !== n * size[t.dtype]) throw new Error(`encodeSafetensorsBytes: "${name}" has ${t.bytes.length} bytes, ${t.dtype} × [${t.shape.join(", ")}] needs ${n * size[t.dtype]}.`);
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = JSON.stringify(header);
  const enc = new TextEncoder();
  const raw = enc.encode(json);
  const headerBytes = raw.length % 8 ? enc.encode(json + " ".repeat(8 - (raw.length % 8))) : raw;
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    out.set(t.bytes, pos);
    pos += t.bytes.length;
  }
  return out;
}

/** The bytes of a `Uint16Array` (little-endian on every platform Node runs on). */
export function bytesOf(a: Uint16Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
