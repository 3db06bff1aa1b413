import { inseqError } from "../errors.js";

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

/**
 * Parses and validates the header of a safetensors file before anything else is read: header length within the
 * file and under {@link MAX_HEADER_BYTES}, valid JSON, known dtypes, non-negative integer shapes, offsets inside the
 * data section, matching dtype × shape, and no overlaps.
 */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (!ArrayBuffer.isView(bytes) || (bytes as Uint8Array).BYTES_PER_ELEMENT !== 1) fail(`expected the file's bytes (Uint8Array), got ${bytes === null ? "null" : typeof bytes}`);
  if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLen > bytes.byteLength) fail(`header length ${headerLen} runs past the end of the ${bytes.byteLength}-byte file (truncated?)`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("header is not a JSON object");
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
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

/** Reads one tensor of a parsed file as float32 (F16, BF16, F64, FP8 and integer types are converted). */
export function readSafetensorsTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  const entry = header.tensors.get(name);
  if (!entry) throw inseqError("MALFORMED_SAFETENSORS", `Tensor "${name}" is not in the safetensors file (it has: ${[...header.tensors.keys()].slice(0, 20).join(", ")}).`);
  const begin = header.dataStart + entry.dataOffsets[0];
  const n = (entry.dataOffsets[1] - entry.dataOffsets[0]) / BYTES[entry.dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, n * BYTES[entry.dtype]);
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case "F32":
      if ((bytes.byteOffset + begin) % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset + begin, n));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case "F64": for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true); break;
    case "F16": for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
    case "BF16": {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case "F8_E4M3": for (let i = 0; i < n; i++) out[i] = fp8ToFloat(view.getUint8(i), 4, 3, 7, true); break;
    case "F8_E5M2": for (let i = 0; i < n; i++) out[i] = fp8ToFloat(view.getUint8(i), 5, 2, 15, false); break;
    case "I64": for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true)); break;
    case "I32": for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true); break;
    case "I16": for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true); break;
    case "I8": for (let i = 0; i < n; i++) out[i] = view.getInt8(i); break;
    case "U8": case "BOOL": for (let i = 0; i < n; i++) out[i] = view.getUint8(i); break;
  }
  return out;
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
