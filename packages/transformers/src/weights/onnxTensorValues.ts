import { inseqError } from "@inseqjs/core";
import { ONNX_BFLOAT16, ONNX_DOUBLE, ONNX_FLOAT, ONNX_FLOAT16 } from "./onnxModelProto.js";
import type { OnnxTensor } from "./onnxModelProto.js";

const BYTES: Readonly<Record<number, number>> = { [ONNX_FLOAT]: 4, [ONNX_FLOAT16]: 2, [ONNX_BFLOAT16]: 2, [ONNX_DOUBLE]: 8 };

/** Whether values of ONNX data type `dataType` can be read as float32 (FLOAT, FLOAT16, BFLOAT16, DOUBLE). */
export function isFloatOnnxType(dataType: number): boolean {
  return BYTES[dataType] !== undefined;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Number of elements of a tensor with `dims`. */
export function onnxElementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * The values of a float ONNX tensor as float32: from `raw_data`, `float_data`, `int32_data` (float16 / bfloat16) or
 * its external bytes (`external`: the whole external file, whose range is checked). `MALFORMED_FILE` when the byte
 * count does not match the shape.
 */
export function onnxTensorValues(t: OnnxTensor, what: string, external?: Uint8Array): Float32Array {
  const count = onnxElementCount(t.dims);
  const width = BYTES[t.dataType];
  const fail = (problem: string): never => {
    throw inseqError("MALFORMED_FILE", `Tensor "${t.name}" of ${what}: ${problem}. Re-download the file, or export the model again.`);
  };
  if (width === undefined) return fail(`data type ${t.dataType} is not a float type`);
  let bytes = t.raw;
  if (t.external) {
    if (!external) return fail(`its external data file "${t.external.location}" was not read`);
    const length = t.external.length ?? count * width;
    if (t.external.offset + length > external.length) fail(`external range [${t.external.offset}, ${t.external.offset + length}) is past the end of "${t.external.location}" (${external.length} bytes)`);
    bytes = external.subarray(t.external.offset, t.external.offset + length);
  }
  if (bytes) {
    if (bytes.length !== count * width) fail(`${bytes.length} bytes of data for shape [${t.dims.join(", ")}] (expected ${count * width})`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(count);
    if (t.dataType === ONNX_FLOAT) for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    else if (t.dataType === ONNX_DOUBLE) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
    else if (t.dataType === ONNX_FLOAT16) for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    else for (let i = 0; i < count; i++) out[i] = new Float32Array(new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer)[0];
    return out;
  }
  if (t.dataType === ONNX_FLOAT && t.floatData) {
    if (t.floatData.length !== count) fail(`${t.floatData.length} float_data values for shape [${t.dims.join(", ")}] (expected ${count})`);
    return t.floatData;
  }
  if ((t.dataType === ONNX_FLOAT16 || t.dataType === ONNX_BFLOAT16) && t.int32Data) {
    if (t.int32Data.length !== count) fail(`${t.int32Data.length} int32_data values for shape [${t.dims.join(", ")}] (expected ${count})`);
    const bits = t.int32Data;
    return t.dataType === ONNX_FLOAT16 ? Float32Array.from(bits, (b) => halfToFloat(b & 0xffff)) : new Float32Array(Uint32Array.from(bits, (b) => (b & 0xffff) << 16).buffer);
  }
  if (count === 0) return new Float32Array(0);
  return fail("no data (neither raw_data, float_data nor external data)");
}
