import { inseqError, isInseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import { encodeSafetensors, parseSafetensorsHeader, readSafetensorsTensor } from "../safetensors/safetensors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";

/** Precision of the saved attribution tensors, as inseq's `scores_precision` (float16 / float8 are lossy). */
export type ScoresPrecision = "float32" | "float16" | "float8";

const DTYPE = { float32: "F32", float16: "F16", float8: "F8_E4M3" } as const;

/** The name of the single tensor in every blob inseq writes. */
export const TENSOR_BLOB_NAME = "attribution";

/** Encodes an array as inseq does: base64 of a safetensors file holding one tensor named `attribution`. */
export function encodeTensorBlob(a: NdArray, precision: ScoresPrecision = "float32"): string {
  const dtype = DTYPE[precision];
  if (!dtype) throw inseqError("INVALID_OPTION", `scoresPrecision must be "float32", "float16" or "float8", got ${JSON.stringify(precision)}.`);
  return encodeBase64(encodeSafetensors({ [TENSOR_BLOB_NAME]: { dtype, shape: a.shape, data: a.data } }));
}

/** Decodes a tensor blob (any dtype, read as float32); `where` names the field in `MALFORMED_FILE` errors. */
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
    if (!entry || header.tensors.size !== 1) {
      throw inseqError("MALFORMED_FILE", `${where} must hold exactly one tensor named "${TENSOR_BLOB_NAME}", found: ${[...header.tensors.keys()].join(", ") || "none"}.`);
    }
    return { data: readSafetensorsTensor(bytes, header, TENSOR_BLOB_NAME), shape: [...entry.shape] };
  } catch (e) {
    if (isInseqError(e, "MALFORMED_FILE")) throw e;
    throw inseqError("MALFORMED_FILE", `Malformed inseq attribution file at ${where}: ${(e as Error).message}`, e);
  }
}
