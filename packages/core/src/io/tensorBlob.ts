import { inseqError, isInseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import { encodeSafetensors, parseSafetensorsHeader, readSafetensorsTensor } from "../safetensors/safetensors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { dequantize8bit, quantize8bit } from "./quantize8bit.js";

/**
 * Precision of the saved attribution tensors, as inseq's `scores_precision`: `float32` (lossless), `float16`
 * (safetensors `F16`), `float8` (8-bit zero-point quantization, see {@link quantize8bit}).
 */
export type ScoresPrecision = "float32" | "float16" | "float8";

const PRECISIONS: readonly string[] = ["float32", "float16", "float8"];
/** Scalar tensors a quantized blob may carry beside `attribution` instead of metadata entries. */
const QUANTIZATION_TENSORS: readonly string[] = ["scale", "zeropoint", "zero_point"];

/** The name of the single tensor in every blob inseq writes. */
export const TENSOR_BLOB_NAME = "attribution";

/** Encodes an array as inseq does: base64 of a safetensors file holding one tensor named `attribution`. */
export function encodeTensorBlob(a: NdArray, precision: ScoresPrecision = "float32"): string {
  if (!PRECISIONS.includes(precision)) {
    throw inseqError("INVALID_OPTION", `scoresPrecision must be "float32", "float16" or "float8", got ${JSON.stringify(precision)}.`);
  }
  if (precision === "float8") {
    const q = quantize8bit(a.data);
    return encodeBase64(encodeSafetensors({ [TENSOR_BLOB_NAME]: { dtype: q.dtype, shape: a.shape, data: q.codes } }, q.metadata));
  }
  const dtype = precision === "float16" ? "F16" : "F32";
  return encodeBase64(encodeSafetensors({ [TENSOR_BLOB_NAME]: { dtype, shape: a.shape, data: a.data } }));
}

/**
 * Decodes a tensor blob to float32: float dtypes are converted, 8-bit integer codes (`float8` files) dequantized
 * with the scale / zero point of the blob's metadata. `where` names the field in `MALFORMED_FILE` errors.
 */
export function decodeTensorBlob(blob: unknown, where: string): NdArray {
  if (typeof blob !== "string") {
    throw inseqError(
      "MALFORMED_FILE",
      `${where} must be a base64 safetensors string, got ${blob === null ? "null" : Array.isArray(blob) ? "an array" : typeof blob}. Files written by old inseq versions store numpy arrays instead; re-save them with a current inseq.`,
    );
  }
  const bytes = decodeBase64(blob);
  if (!bytes) throw inseqError("MALFORMED_FILE", `${where} is not valid base64; the file is damaged — re-save it with FeatureAttributionOutput.save.`);
  try {
    const header = parseSafetensorsHeader(bytes);
    const entry = header.tensors.get(TENSOR_BLOB_NAME);
    const others = [...header.tensors.keys()].filter((k) => k !== TENSOR_BLOB_NAME);
    const quantized = entry?.dtype === "I8" || entry?.dtype === "U8";
    if (!entry || (others.length > 0 && (!quantized || others.some((k) => !QUANTIZATION_TENSORS.includes(k))))) {
      throw inseqError("MALFORMED_FILE", `${where} must hold exactly one tensor named "${TENSOR_BLOB_NAME}", found: ${[...header.tensors.keys()].join(", ") || "none"}.`);
    }
    const values = readSafetensorsTensor(bytes, header, TENSOR_BLOB_NAME);
    if (!quantized) return { data: values, shape: [...entry.shape] };
    // Quantization parameters: in the metadata, or (tolerated) as one-element tensors beside the codes.
    const metadata: Record<string, string> = { ...header.metadata };
    for (const k of others) {
      const t = readSafetensorsTensor(bytes, header, k);
      if (t.length !== 1) throw inseqError("MALFORMED_FILE", `${where}: the quantization tensor "${k}" must hold one value, got ${t.length}.`);
      metadata[k] ??= String(t[0]);
    }
    return { data: dequantize8bit(values, metadata, where), shape: [...entry.shape] };
  } catch (e) {
    if (isInseqError(e, "MALFORMED_FILE")) throw e;
    throw inseqError("MALFORMED_FILE", `Malformed inseq attribution file at ${where}: ${(e as Error).message}`, e);
  }
}
