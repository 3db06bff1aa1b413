// The fast float32 paths of the safetensors reader against per-element references: every BF16 and F16 bit pattern
// (±0, subnormals, normals, ±Infinity, NaNs with their payload), aligned and unaligned data, transposed reads,
// the finiteness flag, the zero-copy F32 view and the header of a file given only in part.
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { float16Table } from "./float32Conversion.js";
import { decodeSafetensorsData, encodeSafetensors, parseSafetensorsHeader, readSafetensorsFloat32, readSafetensorsTensor, safetensorsDataStart } from "./safetensors.js";

/** BF16 bits → value, from sign, exponent and mantissa (no bit tricks). */
function bf16Reference(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 7) & 0xff;
  const m = h & 0x7f;
  if (e === 0xff) return m ? NaN : s * Infinity;
  if (e === 0) return s * (m / 128) * 2 ** -126;
  return s * (1 + m / 128) * 2 ** (e - 127);
}

/** F16 bits → value, from sign, exponent and mantissa. */
function f16Reference(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 31) return m ? NaN : s * Infinity;
  if (e === 0) return s * (m / 1024) * 2 ** -14;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Bits a converted NaN must keep: sign and payload (BF16: the top half as is; F16: the payload shifted up). */
const bf16NaNBits = (h: number) => (h << 16) >>> 0;
const f16NaNBits = (h: number) => (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0;

/** A safetensors file of raw tensors, placed `shift` bytes into a larger buffer (to make its data unaligned). */
function rawFile(tensors: Record<string, { dtype: string; shape: number[]; data: Uint8Array }>, shift = 0): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const file = new Uint8Array(new ArrayBuffer(shift + 8 + head.length + offset), shift, 8 + head.length + offset);
  new DataView(file.buffer, shift).setBigUint64(0, BigInt(head.length), true);
  file.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    file.set(t.data, at);
    at += t.data.length;
  }
  return file;
}

const le16 = (values: ArrayLike<number>) => {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i], true);
  return bytes;
};
const le32 = (values: ArrayLike<number>) => {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
};

/** Whether two arrays hold the same values (NaN equals NaN, -0 differs from 0), without a diff of large arrays. */
const sameValues = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const ALL16 = Array.from({ length: 65536 }, (_, h) => h);
const ROWS = 512, COLS = 128; // 512 × 128 = every 16-bit pattern once

function expectConverted(values: Float32Array, reference: (h: number) => number, nanBits: (h: number) => number, transposed: boolean): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let mismatches = 0;
  for (let k = 0; k < 65536; k++) {
    // transposed: out[j·ROWS + i] holds stored [i, j] = pattern i·COLS + j
    const h = transposed ? (k % ROWS) * COLS + Math.floor(k / ROWS) : k;
    const want = reference(h);
    const ok = Number.isNaN(want) ? Number.isNaN(values[k]) && bits[k] === nanBits(h) : Object.is(values[k], want);
    if (!ok && mismatches++ < 5) expect({ h: h.toString(16), got: values[k], bits: bits[k].toString(16) }).toEqual({ h: h.toString(16), got: want, bits: bits[k].toString(16) });
  }
  expect(mismatches).toBe(0);
}

describe("safetensors float32 conversion", () => {
  it("the F16 table matches the per-element reference on every pattern", () => {
    const table = float16Table();
    const f = new Float32Array(table.buffer);
    const wrong = ALL16.filter((h) => {
      const want = f16Reference(h);
      return Number.isNaN(want) ? table[h] !== f16NaNBits(h) : !Object.is(f[h], want);
    });
    expect(wrong.map((h) => h.toString(16))).toEqual([]);
    expect(float16Table()).toBe(table); // built once
  });

  for (const [dtype, reference, nanBits] of [["BF16", bf16Reference, bf16NaNBits], ["F16", f16Reference, f16NaNBits]] as const) {
    for (const shift of [0, 1, 2]) {
      it(`${dtype}: every bit pattern, data ${shift === 0 ? "aligned" : `shifted by ${shift} byte(s)`}, as stored and transposed`, () => {
        const bytes = rawFile({ pad: { dtype: "U8", shape: [shift === 2 ? 2 : 0], data: new Uint8Array(shift === 2 ? 2 : 0) }, w: { dtype, shape: [ROWS, COLS], data: le16(ALL16) } }, shift === 1 ? 1 : 0);
        const header = parseSafetensorsHeader(bytes);
        const plain = readSafetensorsFloat32(bytes, header, "w", { allowView: true });
        expect(plain.values.buffer).not.toBe(bytes.buffer);
        expect(plain.allFinite).toBe(false); // the patterns include ±Infinity and NaNs
        expectConverted(plain.values, reference, nanBits, false);
        const transposed = readSafetensorsFloat32(bytes, header, "w", { transpose: true });
        expect(transposed.allFinite).toBe(false);
        expectConverted(transposed.values, reference, nanBits, true);
      });
    }

    it(`${dtype}: the finiteness flag is true without NaN / ±Infinity and false with one`, () => {
      const expMask = dtype === "BF16" ? 0x7f80 : 0x7c00;
      const finite = ALL16.filter((h) => (h & expMask) !== expMask);
      const data = le16(finite);
      const n = finite.length;
      for (const transpose of [false, true]) {
        expect(decodeSafetensorsData(dtype, [n / 16, 16], data, { transpose }).allFinite).toBe(true);
        for (const bad of [expMask, expMask | 1, 0x8000 | expMask]) {
          const poisoned = le16(finite.map((h, i) => (i === 1234 ? bad : h)));
          expect(decodeSafetensorsData(dtype, [n / 16, 16], poisoned, { transpose }).allFinite).toBe(false);
        }
      }
    });
  }

  it("odd and small shapes: pairwise (aligned) and one-by-one (unaligned) loops, as stored and transposed, agree with the reference", () => {
    const shapes = [[1, 1], [1, 15], [15, 1], [7, 9], [8, 9], [9, 8], [2, 130], [65, 66], [130, 3]];
    for (const [dtype, reference, nanBits] of [["BF16", bf16Reference, bf16NaNBits], ["F16", f16Reference, f16NaNBits]] as const) {
      for (const [rows, cols] of shapes) {
        const patterns = Array.from({ length: rows * cols }, (_, i) => (i * 40503 + rows * 977 + cols) & 0xffff);
        for (const shift of [0, 2]) {
          const bytes = new Uint8Array(new ArrayBuffer(shift + patterns.length * 2), shift);
          bytes.set(le16(patterns));
          for (const transpose of [false, true]) {
            const { values } = decodeSafetensorsData(dtype, [rows, cols], bytes, { transpose });
            const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
            const wrong = patterns.filter((h, s) => {
              const at = transpose ? (s % cols) * rows + Math.floor(s / cols) : s;
              const want = reference(h);
              return Number.isNaN(want) ? bits[at] !== nanBits(h) : !Object.is(values[at], want);
            });
            expect(wrong, `${dtype} [${rows}, ${cols}] shift ${shift} transpose ${transpose}`).toEqual([]);
          }
        }
      }
    }
  });

  it("F32: aligned data is a view of the file's bytes (no copy); unaligned data is copied once, same values", () => {
    const values = Float32Array.from({ length: 67 * 130 }, (_, i) => Math.sin(i) * 1e3);
    values[5] = -0;
    values[6] = 1e-42; // subnormal
    for (const shift of [0, 1, 2, 3]) {
      const bytes = rawFile({ w: { dtype: "F32", shape: [67, 130], data: le32(values) } }, shift);
      const header = parseSafetensorsHeader(bytes);
      const read = readSafetensorsFloat32(bytes, header, "w", { allowView: true });
      if (shift === 0) {
        expect(read.values.buffer).toBe(bytes.buffer);
        expect(read.values.byteOffset).toBe(bytes.byteOffset + header.dataStart);
      } else {
        expect(read.values.buffer).not.toBe(bytes.buffer);
      }
      expect(read.allFinite).toBeUndefined();
      expect(Object.is(read.values[5], -0)).toBe(true);
      expect(sameValues(read.values, values)).toBe(true);
      // without allowView (and through readSafetensorsTensor) the caller always owns a copy
      expect(readSafetensorsFloat32(bytes, header, "w").values.buffer).not.toBe(bytes.buffer);
      const copy = readSafetensorsTensor(bytes, header, "w");
      expect(copy.buffer).not.toBe(bytes.buffer);
      expect(sameValues(copy, values)).toBe(true);
    }
  });

  it("F32 transposed: tiles of any size, finiteness checked in the same pass", () => {
    for (const [rows, cols] of [[67, 130], [1, 9], [9, 1], [64, 64], [129, 65]] as const) {
      const values = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 7);
      const bytes = rawFile({ w: { dtype: "F32", shape: [rows, cols], data: le32(values) } }, 1);
      const out = readSafetensorsFloat32(bytes, parseSafetensorsHeader(bytes), "w", { transpose: true });
      const want = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[j * rows + i] = values[i * cols + j];
      expect(sameValues(out.values, want), `${rows}×${cols}`).toBe(true);
      if (rows > 1 && cols > 1) expect(out.allFinite).toBe(true);
      values[values.length - 1] = NaN;
      if (rows > 1 && cols > 1) expect(decodeSafetensorsData("F32", [rows, cols], le32(values), { transpose: true }).allFinite).toBe(false);
    }
  });

  it("writes into a caller's buffer when it is long enough", () => {
    const data = le16([0x3f80, 0xbf80, 0x4000]);
    const out = new Float32Array(8).fill(9);
    const read = decodeSafetensorsData("BF16", [3], data, { out });
    expect(read.values.buffer).toBe(out.buffer);
    expect([...out]).toEqual([1, -1, 2, 9, 9, 9, 9, 9]);
    expect(decodeSafetensorsData("BF16", [3], data, { out: new Float32Array(2) }).values.length).toBe(3);
  });

  it("integer types stay exact and are reported finite; F64 overflow is left to the caller's check", () => {
    const bytes = encodeSafetensors({ c: { dtype: "I8", shape: [4], data: Float32Array.from([1, -1, 127, -128]) } });
    const read = readSafetensorsFloat32(bytes, parseSafetensorsHeader(bytes), "c", { transpose: false });
    expect([...read.values]).toEqual([1, -1, 127, -128]);
    expect(read.allFinite).toBe(true);
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 1e300, true);
    const big = decodeSafetensorsData("F64", [1], f64);
    expect(big.values[0]).toBe(Infinity);
    expect(big.allFinite).toBeUndefined();
  });

  it("the header of a file given only in part (its first bytes and its size)", () => {
    const bytes = encodeSafetensors({ a: { dtype: "F32", shape: [2, 3], data: new Float32Array(6) }, b: { dtype: "F16", shape: [4], data: new Float32Array(4) } });
    const dataStart = safetensorsDataStart(bytes.subarray(0, 8), bytes.length);
    const part = parseSafetensorsHeader(bytes.subarray(0, dataStart), { fileSize: bytes.length });
    const whole = parseSafetensorsHeader(bytes);
    expect(part.dataStart).toBe(whole.dataStart);
    expect([...part.tensors]).toEqual([...whole.tensors]);
    const codes = [
      () => parseSafetensorsHeader(bytes.subarray(0, dataStart), { fileSize: bytes.length - 1 }), // data past the end
      () => parseSafetensorsHeader(bytes.subarray(0, dataStart - 1), { fileSize: bytes.length }), // header not all given
      () => safetensorsDataStart(bytes.subarray(0, 8), dataStart - 1),
      () => safetensorsDataStart(bytes.subarray(0, 7), bytes.length),
      () => decodeSafetensorsData("F32", [2], new Uint8Array(7)),
    ].map((f) => {
      try {
        f();
        return "ok";
      } catch (e) {
        return isInseqError(e) ? e.code : String(e);
      }
    });
    expect(codes).toEqual(Array(5).fill("MALFORMED_SAFETENSORS"));
  });
});
