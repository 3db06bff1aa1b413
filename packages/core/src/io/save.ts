import { inseqError } from "../errors.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { gzipBytes } from "./gzip.js";
import { stringifyPythonJson } from "./pythonJson.js";
import { stripInstanceTypes } from "./stripInstanceTypes.js";
import type { ScoresPrecision } from "./tensorBlob.js";
import { toInseqJson } from "./toInseqJson.js";

/** Options of {@link save}. */
export interface SaveOptions {
  /**
   * inseq's `ndarray_compact` (default true). Attribution arrays are always written as base64 safetensors blobs,
   * as inseq does whatever this flag says, so it does not change the file; accepted for parity.
   */
  readonly ndarrayCompact?: boolean;
  /**
   * Precision of the stored arrays (inseq's `scores_precision`): `"float32"` (default, lossless); `"float16"`
   * (relative error ≤ 2⁻¹¹ within ±65504); `"float8"`, 8-bit codes with a per-array scale (error ≤ 1/510 of the
   * array's value range).
   */
  readonly scoresPrecision?: ScoresPrecision;
  /**
   * inseq's `use_primitives` (default false): write plain objects without the `__instance_type__` wrappers, for
   * other tools to read. Neither inseq nor inseq.js can load such a file back.
   */
  readonly usePrimitives?: boolean;
}

/** Options of {@link saveBytes}. */
export interface SaveBytesOptions extends SaveOptions {
  /** Gzip the JSON text (inseq's `compress`). */
  readonly compress?: boolean;
}

/**
 * The JSON text inseq's `FeatureAttributionOutput.save` writes for `output`: sorted keys, 4-space indent, ASCII
 * escapes, raw per-dimension arrays as base64 safetensors blobs (NaN kept). Python inseq loads it with
 * `FeatureAttributionOutput.load`.
 */
export function save(output: FeatureAttributionOutput, options: SaveOptions = {}): string {
  if (!(output instanceof FeatureAttributionOutput)) {
    throw inseqError("INVALID_OPTION", "save expects a FeatureAttributionOutput (wrap plain data with new FeatureAttributionOutput({ sequenceAttributions, info })).");
  }
  const tree = toInseqJson(output, options.scoresPrecision ?? "float32");
  return stringifyPythonJson(options.usePrimitives ? stripInstanceTypes(tree) : tree, 4);
}

/** {@link save} as UTF-8 bytes, gzip-compressed with `compress` (works in browsers and Node). */
export async function saveBytes(output: FeatureAttributionOutput, options: SaveBytesOptions = {}): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(save(output, options));
  return options.compress ? gzipBytes(bytes) : bytes;
}
