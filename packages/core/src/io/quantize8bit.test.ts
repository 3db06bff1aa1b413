import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { ndarray } from "../ndarray.js";
import { encodeSafetensors, parseSafetensorsHeader } from "../safetensors/safetensors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { dequantize8bit, quantize8bit } from "./quantize8bit.js";
import { decodeTensorBlob, encodeTensorBlob } from "./tensorBlob.js";

let seed = 11;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;

function roundTrip(values: number[]): { data: Float32Array; back: Float32Array; dtype: string; metadata: Record<string, string> } {
  const data = Float32Array.from(values);
  const q = quantize8bit(data);
  return { data, back: dequantize8bit(q.codes, q.metadata, "$"), dtype: q.dtype, metadata: q.metadata };
}

describe("quantize8bit (scoresPrecision float8)", () => {
  it("uses uint8 codes without negative values and int8 codes with them, within half a step", () => {
    for (const [offset, dtype] of [[1, "U8"], [-0.5, "I8"]] as const) {
      const values = Array.from({ length: 500 }, () => (rand() + offset) * 3.7);
      const { data, back, dtype: got } = roundTrip(values);
      expect(got).toBe(dtype);
      const min = Math.min(...data), max = Math.max(...data);
      const halfStep = (max - min) / 510;
      data.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(halfStep * (1 + 1e-5)));
      // the extremes are codes 0 / 255 (uint8) or -128 / 127 (int8) and come back almost exactly
      expect(Math.abs(back[data.indexOf(min)] - min)).toBeLessThan(1e-5 * (max - min));
      expect(Math.abs(back[data.indexOf(max)] - max)).toBeLessThan(1e-5 * (max - min));
    }
  });

  it("keeps NaN cells (reserved code) and constant, empty and all-NaN arrays", () => {
    const withNaN = roundTrip([NaN, -2, 0.5, NaN, 3]);
    expect(withNaN.metadata.nan_code).toBe("-128");
    expect(Number.isNaN(withNaN.back[0]) && Number.isNaN(withNaN.back[3])).toBe(true);
    [-2, 0.5, 3].forEach((v, j) => expect(Math.abs(withNaN.back[[1, 2, 4][j]] - v)).toBeLessThanOrEqual(5 / 508 + 1e-6));
    const unsignedNaN = roundTrip([NaN, 0.25, 1]);
    expect([unsignedNaN.dtype, unsignedNaN.metadata.nan_code]).toEqual(["U8", "255"]);
    expect(Number.isNaN(unsignedNaN.back[0])).toBe(true);
    expect(roundTrip([0.3, 0.3, 0.3]).back).toEqual(Float32Array.from([0.3, 0.3, 0.3]));
    expect(roundTrip([-7.25]).back).toEqual(Float32Array.from([-7.25]));
    expect(roundTrip([]).back.length).toBe(0);
    expect([...roundTrip([NaN, NaN]).back].every(Number.isNaN)).toBe(true);
    expect(roundTrip([0.5]).metadata.nan_code).toBeUndefined();
  });

  it("handles tiny and huge ranges without overflow", () => {
    const tiny = roundTrip([1e-30, 2e-30, 3e-30]);
    tiny.data.forEach((v, i) => expect(Math.abs(tiny.back[i] - v)).toBeLessThan(1e-32));
    const huge = roundTrip([-3e38, 3e38]);
    huge.data.forEach((v, i) => expect(Math.abs(huge.back[i] - v) / 3e38).toBeLessThan(1e-6));
  });

  it("refuses infinite values with a hint", () => {
    expect(() => quantize8bit(Float32Array.from([1, Infinity]))).toThrow(/float16/);
  });

  it("writes the codes as I8 / U8 with scale and zero point in the safetensors metadata", () => {
    const blob = encodeTensorBlob(ndarray([-1, 0, 2, NaN], [2, 2]), "float8");
    const header = parseSafetensorsHeader(decodeBase64(blob)!);
    expect(header.tensors.get("attribution")).toMatchObject({ dtype: "I8", shape: [2, 2] });
    expect(Object.keys(header.metadata).sort()).toEqual(["nan_code", "scale", "zero_point", "zeropoint"]);
    const back = decodeTensorBlob(blob, "$.x");
    expect(back.shape).toEqual([2, 2]);
    expect(Number.isNaN(back.data[3])).toBe(true);
  });

  it("reads other spellings of the parameters (zero_point only, or scalar tensors beside the codes)", () => {
    const codes = Float32Array.from([0, 100, 255]);
    const meta = encodeBase64(encodeSafetensors({ attribution: { dtype: "U8", shape: [3], data: codes } }, { scale: "100", zero_point: "50" }));
    expect([...decodeTensorBlob(meta, "$").data]).toEqual([-0.5, 0.5, 2.05].map(Math.fround));
    const tensors = encodeBase64(
      encodeSafetensors({
        attribution: { dtype: "I8", shape: [3], data: Float32Array.from([-128, 0, 127]) },
        scale: { dtype: "F32", shape: [], data: Float32Array.from([2]) },
        zeropoint: { dtype: "F32", shape: [1], data: Float32Array.from([-128]) },
      }),
    );
    expect([...decodeTensorBlob(tensors, "$").data]).toEqual([0, 64, 127.5]);
  });

  it("rejects integer codes without a scale, and extra tensors beside float data, with MALFORMED_FILE", () => {
    const noScale = encodeBase64(encodeSafetensors({ attribution: { dtype: "U8", shape: [1], data: Float32Array.from([3]) } }));
    const bad = encodeBase64(encodeSafetensors({ attribution: { dtype: "U8", shape: [1], data: Float32Array.from([3]) } }, { scale: "abc" }));
    const extra = encodeBase64(
      encodeSafetensors({ attribution: { dtype: "F32", shape: [1], data: Float32Array.from([3]) }, scale: { dtype: "F32", shape: [1], data: Float32Array.from([2]) } }),
    );
    for (const [blob, pattern] of [[noScale, /no "scale"/], [bad, /"scale" is "abc"/], [extra, /exactly one tensor/]] as const) {
      try {
        decodeTensorBlob(blob, "$.attributes.source_attributions");
        expect.unreachable();
      } catch (e) {
        expect(isInseqError(e, "MALFORMED_FILE")).toBe(true);
        expect((e as Error).message).toMatch(pattern);
        expect((e as Error).message).toContain("$.attributes.source_attributions");
      }
    }
  });

  it("still reads F8_E4M3 blobs (written by inseq.js 0.1)", () => {
    const blob = encodeBase64(encodeSafetensors({ attribution: { dtype: "F8_E4M3", shape: [3], data: Float32Array.from([0.5, -2, 448]) } }));
    expect([...decodeTensorBlob(blob, "$").data]).toEqual([0.5, -2, 448]);
  });
});
