import { inseqError } from "../errors.js";

/** An array quantized to 8-bit integer codes plus the safetensors metadata that recovers the values. */
export interface Quantized8bit {
  /** `U8` when no value is negative, else `I8`. */
  readonly dtype: "I8" | "U8";
  /** Integer codes (as float32 numbers), one per value. */
  readonly codes: Float32Array;
  /** `scale`, `zeropoint` (also written as `zero_point`) and, when the array holds NaN, `nan_code`. */
  readonly metadata: Record<string, string>;
}

/**
 * Zero-point quantization of inseq's `scores_precision="float8"` (inseq PR #273): values map linearly onto the
 * 256 codes of `uint8` (no negative value) or `int8`, `code = round(value * scale + zeropoint)`, and are read back
 * as `(code - zeropoint) / scale`; the parameters go into the safetensors `__metadata__`. The error of each value is
 * at most half a step, `(max - min) / 510`. NaN cells (inseq's upper triangle) get a reserved code named by
 * `nan_code`, leaving 255 codes for the values (error up to `(max - min) / 508`). Infinite values cannot be
 * quantized and throw `INVALID_OPTION`.
 */
export function quantize8bit(data: Float32Array): Quantized8bit {
  let min = Infinity;
  let max = -Infinity;
  let hasNaN = false;
  for (const v of data) {
    if (Number.isNaN(v)) hasNaN = true;
    else if (!Number.isFinite(v)) {
      throw inseqError("INVALID_OPTION", `scoresPrecision "float8" cannot store ${v}; save with scoresPrecision "float16" or "float32".`);
    } else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) min = max = 0; // empty or all NaN
  const signed = min < 0;
  const steps = hasNaN ? 254 : 255;
  const first = signed ? (hasNaN ? -127 : -128) : 0;
  const nanCode = signed ? -128 : 255;
  // Halves first so that a range wider than the float64 maximum cannot overflow.
  const halfRange = max / 2 - min / 2;
  let scale = halfRange > 0 ? steps / 2 / halfRange : 1;
  if (!Number.isFinite(scale)) scale = 1;
  const zeroPoint = first - min * scale;
  const codes = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    codes[i] = Number.isNaN(v) ? nanCode : Math.min(first + steps, Math.max(first, Math.round(v * scale + zeroPoint)));
  }
  // The merged inseq code could not be checked for the spelling of the zero-point key: both are written, both read.
  const metadata: Record<string, string> = { scale: String(scale), zeropoint: String(zeroPoint), zero_point: String(zeroPoint) };
  if (hasNaN) metadata.nan_code = String(nanCode);
  return { dtype: signed ? "I8" : "U8", codes, metadata };
}

function parameter(metadata: Readonly<Record<string, string>>, keys: readonly string[], where: string): number | undefined {
  const key = keys.find((k) => metadata[k] !== undefined);
  if (key === undefined) return undefined;
  const text = metadata[key].trim();
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    throw inseqError("MALFORMED_FILE", `${where}: the quantization parameter "${key}" is ${JSON.stringify(metadata[key])}, not a finite number; the file is damaged.`);
  }
  return value;
}

/**
 * Inverse of {@link quantize8bit}: `(code - zeropoint) / scale`, NaN for `nan_code`. Accepts `zeropoint` or
 * `zero_point` (missing: 0); a missing or non-positive `scale` throws `MALFORMED_FILE` naming `where`.
 */
export function dequantize8bit(codes: Float32Array, metadata: Readonly<Record<string, string>>, where: string): Float32Array {
  const scale = parameter(metadata, ["scale"], where);
  if (scale === undefined || !(scale > 0)) {
    throw inseqError(
      "MALFORMED_FILE",
      `${where} holds 8-bit integer codes but ${scale === undefined ? "no" : `an invalid (${scale})`} "scale" in its safetensors metadata, so its values cannot be recovered; re-save the attribution with scoresPrecision "float8".`,
    );
  }
  const zeroPoint = parameter(metadata, ["zeropoint", "zero_point"], where) ?? 0;
  const nanCode = parameter(metadata, ["nan_code"], where);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === nanCode ? NaN : (codes[i] - zeroPoint) / scale;
  return out;
}
