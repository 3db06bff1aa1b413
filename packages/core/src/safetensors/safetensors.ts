import { inseqError } from "../errors.js";
import { bf16ToF32, bf16ToF32Transposed, f16ToF32, f16ToF32Transposed, f32Transposed, LITTLE_ENDIAN } from "./float32Conversion.js";

/** Element types a safetensors file may hold that inseq.js reads. */
export type SafetensorsDtype = "F32" | "F16" | "BF16" | "F64" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL" | "F8_E4M3" | "F8_E5M2";

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};

/** Largest header accepted (the format caps it at 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte range `[begin, end)` within the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A parsed safetensors header: entries by tensor name plus the optional string metadata. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data section in the file (8 + header length). */
  readonly dataStart: number;
}

function fail(message: string): never {
  throw inseqError("MALFORMED_SAFETENSORS", `Malformed safetensors file: ${message}. Re-download or re-save the file (safetensors.torch.save_file).`);
}

/** Options of {@link parseSafetensorsHeader}. */
export interface ParseSafetensorsOptions {
  /**
   * Size of the whole file when `bytes` hold only its beginning (at least the 8-byte length and the header, see
   * {@link safetensorsDataStart}): the data offsets are then checked against the file size instead.
   */
  readonly fileSize?: number;
}

/**
 * Where the data section of a safetensors file starts (8 + header length), from the file's first 8 (or more) bytes;
 * `MALFORMED_SAFETENSORS` when the header length is over {@link MAX_HEADER_BYTES} or runs past `fileSize`.
 */
export function safetensorsDataStart(bytes: Uint8Array, fileSize: number): number {
  if (!ArrayBuffer.isView(bytes) || (bytes as Uint8Array).BYTES_PER_ELEMENT !== 1) fail(`expected the file's bytes (Uint8Array), got ${bytes === null ? "null" : typeof bytes}`);
  if (fileSize < 8 || bytes.byteLength < 8) fail(`file is ${Math.min(fileSize, bytes.byteLength)} bytes, shorter than the 8-byte header length`);
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLen > fileSize) fail(`header length ${headerLen} runs past the end of the ${fileSize}-byte file (truncated?)`);
  return 8 + headerLen;
}

/**
 * Parses and validates the header of a safetensors file before anything else is read: header length within the
 * file and under {@link MAX_HEADER_BYTES}, valid JSON, known dtypes, non-negative integer shapes, offsets inside the
 * data section, matching dtype × shape, and no overlaps. `bytes` are the whole file, or only its beginning with
 * `options.fileSize`.
 */
export function parseSafetensorsHeader(bytes: Uint8Array, options: ParseSafetensorsOptions = {}): SafetensorsHeader {
  const fileSize = options.fileSize ?? (ArrayBuffer.isView(bytes) ? bytes.byteLength : 0);
  const dataStart = safetensorsDataStart(bytes, fileSize);
  const headerLen = dataStart - 8;
  if (dataStart > bytes.byteLength) fail(`only ${bytes.byteLength} bytes of the ${dataStart}-byte header were given`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("header is not a JSON object");
  const dataLen = fileSize - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = Object.create(null);
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("__metadata__ is not an object");
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof raw !== "object" || raw === null) fail(`entry "${name}" is not an object`);
    const { dtype, shape, data_offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== "string" || !Object.hasOwn(BYTES, dtype)) fail(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(data_offsets)}`);
    }
    const [begin, end] = data_offsets as [number, number];
    if (begin > end || end > dataLen) fail(`tensor "${name}" data_offsets [${begin}, ${end}] fall outside the ${dataLen}-byte data section`);
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (!Number.isSafeInteger(count)) fail(`tensor "${name}" shape ${JSON.stringify(shape)} is too large`);
    }
    const expected = count * BYTES[dtype as SafetensorsDtype];
    if (end - begin !== expected) fail(`tensor "${name}" holds ${end - begin} bytes but ${dtype} × [${(shape as number[]).join(", ")}] needs ${expected}`);
    tensors.set(name, { dtype: dtype as SafetensorsDtype, shape: shape as number[], dataOffsets: [begin, end] });
  }
  const ranges = [...tensors.entries()].filter(([, e]) => e.dataOffsets[1] > e.dataOffsets[0]).sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][1].dataOffsets[0] < ranges[i - 1][1].dataOffsets[1]) fail(`tensors "${ranges[i - 1][0]}" and "${ranges[i][0]}" overlap`);
  }
  return { tensors, metadata, dataStart };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function fp8ToFloat(b: number, expBits: number, manBits: number, bias: number, e4m3: boolean): number {
  const s = b & 0x80 ? -1 : 1;
  const e = (b >> manBits) & ((1 << expBits) - 1);
  const m = b & ((1 << manBits) - 1);
  if (e4m3 && e === 0xf && m === 0x7) return NaN;
  if (!e4m3 && e === 0x1f) return m ? NaN : s * Infinity;
  if (e === 0) return s * 2 ** (1 - bias) * (m / (1 << manBits));
  return s * 2 ** (e - bias) * (1 + m / (1 << manBits));
}

/** Options of {@link readSafetensorsFloat32}. */
export interface ReadSafetensorsOptions {
  /**
   * Return F32 data that lies 4-byte aligned in `bytes` as a `Float32Array` view of `bytes` itself (no copy). The
   * caller must then not write to the result (it is the file's memory), and the result keeps `bytes` alive.
   */
  readonly allowView?: boolean;
  /** Read a 2-D tensor `(rows, cols)` transposed, as `(cols, rows)`: converted and transposed in one pass. */
  readonly transpose?: boolean;
  /**
   * Write the values into the start of this array when it is long enough, instead of a new array (the result is
   * then `out.subarray(0, n)`); a view (`allowView`) is returned without touching it.
   */
  readonly out?: Float32Array;
}

/** One tensor read by {@link readSafetensorsFloat32}. */
export interface SafetensorsFloat32 {
  readonly values: Float32Array;
  /**
   * `true` / `false` when the read pass already found every value finite / some NaN or ±Infinity (F16, BF16, integer
   * types, transposed F32); `undefined` when it did not look (F32 views and copies, F64, FP8).
   */
  readonly allFinite: boolean | undefined;
}

function typedView<T extends Uint16Array | Uint32Array>(
  Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
  data: Uint8Array, n: number,
): T {
  // aligned: a view of the file; unaligned: one copy into a fresh (aligned) buffer
  if (data.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(data.buffer, data.byteOffset, n);
  return new Ctor(data.slice(0, n * Ctor.BYTES_PER_ELEMENT).buffer, 0, n);
}

/**
 * Decodes the stored bytes of one tensor (`data`: exactly its `dtype` × `shape` bytes, e.g. its slice of the file)
 * as float32 — F16, BF16, F64, FP8 and integer types are converted — with the fast paths of
 * {@link ReadSafetensorsOptions}: a zero-copy view of aligned F32 data, conversion and 2-D transposition in one pass,
 * and a caller's output buffer. F16 / BF16 / F32 go through typed-array loops (BF16: `u32 = u16 << 16`; F16: a
 * 65 536-entry table) that also report non-finite values, so that no second pass is needed to check them.
 */
export function decodeSafetensorsData(dtype: SafetensorsDtype, shape: readonly number[], data: Uint8Array, options: ReadSafetensorsOptions = {}): SafetensorsFloat32 {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Object.hasOwn(BYTES, dtype)) fail(`unknown dtype ${JSON.stringify(dtype)}`);
  if (data.byteLength !== n * BYTES[dtype]) fail(`${dtype} × [${shape.join(", ")}] needs ${n * BYTES[dtype]} bytes, got ${data.byteLength}`);
  let rows = 0, cols = 0;
  if (options.transpose) {
    if (shape.length !== 2) throw inseqError("INTERNAL", `A tensor of shape [${shape.join(", ")}] cannot be read transposed: only 2-D tensors can.`);
    [rows, cols] = shape as [number, number];
  }
  const transpose = options.transpose === true && rows > 1 && cols > 1;
  const fast = LITTLE_ENDIAN && (dtype === "F32" || dtype === "F16" || dtype === "BF16");
  if (fast && dtype === "F32" && !transpose && options.allowView && data.byteOffset % 4 === 0) {
    return { values: new Float32Array(data.buffer, data.byteOffset, n), allFinite: undefined };
  }
  const out = options.out && options.out.length >= n ? options.out.subarray(0, n) : new Float32Array(n);
  if (fast) {
    const dst = new Uint32Array(out.buffer, out.byteOffset, n);
    let allFinite: boolean | undefined;
    if (dtype === "F32") {
      if (transpose) allFinite = f32Transposed(typedView(Uint32Array, data, n), dst, rows, cols);
      else new Uint8Array(out.buffer, out.byteOffset, n * 4).set(data);
    } else {
      const src = typedView(Uint16Array, data, n);
      if (dtype === "BF16") allFinite = transpose ? bf16ToF32Transposed(src, dst, rows, cols) : bf16ToF32(src, dst);
      else allFinite = transpose ? f16ToF32Transposed(src, dst, rows, cols) : f16ToF32(src, dst);
    }
    return { values: out, allFinite };
  }
  // the rarer types (and big-endian engines): element by element, then transposed in a second pass when asked
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flat = transpose ? new Float32Array(n) : out;
  let allFinite: boolean | undefined = true;
  switch (dtype) {
    case "F32": allFinite = undefined; for (let i = 0; i < n; i++) flat[i] = view.getFloat32(i * 4, true); break;
    case "F64": allFinite = undefined; for (let i = 0; i < n; i++) flat[i] = view.getFloat64(i * 8, true); break;
    case "F16": allFinite = undefined; for (let i = 0; i < n; i++) flat[i] = halfToFloat(view.getUint16(i * 2, true)); break;
    case "BF16": {
      allFinite = undefined;
      const u = new Uint32Array(flat.buffer, flat.byteOffset, n);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case "F8_E4M3": allFinite = undefined; for (let i = 0; i < n; i++) flat[i] = fp8ToFloat(view.getUint8(i), 4, 3, 7, true); break;
    case "F8_E5M2": allFinite = undefined; for (let i = 0; i < n; i++) flat[i] = fp8ToFloat(view.getUint8(i), 5, 2, 15, false); break;
    case "I64": for (let i = 0; i < n; i++) flat[i] = Number(view.getBigInt64(i * 8, true)); break;
    case "I32": for (let i = 0; i < n; i++) flat[i] = view.getInt32(i * 4, true); break;
    case "I16": for (let i = 0; i < n; i++) flat[i] = view.getInt16(i * 2, true); break;
    case "I8": for (let i = 0; i < n; i++) flat[i] = view.getInt8(i); break;
    case "U8": case "BOOL": for (let i = 0; i < n; i++) flat[i] = view.getUint8(i); break;
  }
  // the transposing pass sees the final float32 bits, so its finiteness verdict is exact
  if (transpose) allFinite = f32Transposed(new Uint32Array(flat.buffer), new Uint32Array(out.buffer, out.byteOffset, n), rows, cols);
  return { values: out, allFinite };
}

/** Reads one tensor of a parsed file (`bytes`: the whole file) as float32; see {@link decodeSafetensorsData}. */
export function readSafetensorsFloat32(bytes: Uint8Array, header: SafetensorsHeader, name: string, options: ReadSafetensorsOptions = {}): SafetensorsFloat32 {
  const entry = header.tensors.get(name);
  if (!entry) throw inseqError("MALFORMED_SAFETENSORS", `Tensor "${name}" is not in the safetensors file (it has: ${[...header.tensors.keys()].slice(0, 20).join(", ")}).`);
  const [begin, end] = entry.dataOffsets;
  if (header.dataStart + end > bytes.byteLength) fail(`tensor "${name}" runs past the end of the ${bytes.byteLength}-byte file`);
  return decodeSafetensorsData(entry.dtype, entry.shape, bytes.subarray(header.dataStart + begin, header.dataStart + end), options);
}

/** Reads one tensor of a parsed file as float32 (F16, BF16, F64, FP8 and integer types are converted), in a new array. */
export function readSafetensorsTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  return readSafetensorsFloat32(bytes, header, name).values;
}

/** A tensor to write with {@link encodeSafetensors}. */
export interface SafetensorsInput {
  /** `I8` / `U8` store integer codes: `data` is rounded and clamped to the type's range. */
  readonly dtype: "F32" | "F16" | "F8_E4M3" | "I8" | "U8";
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = sign | (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return h;
}

function floatToE4M3(v: number): number {
  if (Number.isNaN(v)) return 0x7f;
  const sign = v < 0 || Object.is(v, -0) ? 0x80 : 0;
  const a = Math.min(Math.abs(v), 448);
  let best = 0, bestErr = Infinity;
  for (let b = 0; b < 0x7f; b++) {
    const err = Math.abs(fp8ToFloat(b, 4, 3, 7, true) - a);
    if (err < bestErr) { bestErr = err; best = b; }
  }
  return sign | best;
}

/**
 * Serialises tensors to safetensors bytes (header padded with spaces to 8 bytes, as the reference writer does).
 * Names are written in the given order.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.data.length;
    let buf: Uint8Array;
    if (t.dtype === "F32") {
      buf = new Uint8Array(n * 4);
      const dv = new DataView(buf.buffer);
      for (let i = 0; i < n; i++) dv.setFloat32(i * 4, t.data[i], true);
    } else if (t.dtype === "F16") {
      buf = new Uint8Array(n * 2);
      const dv = new DataView(buf.buffer);
      for (let i = 0; i < n; i++) dv.setUint16(i * 2, floatToHalf(t.data[i]), true);
    } else if (t.dtype === "I8" || t.dtype === "U8") {
      buf = new Uint8Array(n);
      const [lo, hi] = t.dtype === "I8" ? [-128, 127] : [0, 255];
      for (let i = 0; i < n; i++) buf[i] = Math.min(hi, Math.max(lo, Math.round(t.data[i]))) & 0xff;
    } else {
      buf = new Uint8Array(n);
      for (let i = 0; i < n; i++) buf[i] = floatToE4M3(t.data[i]);
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + buf.length] };
    offset += buf.length;
    parts.push(buf);
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) headerBytes = enc.encode(json + " ".repeat(pad));
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}
