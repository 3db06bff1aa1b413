import { inseqError } from "../errors.js";
import type { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { fromInseqJson } from "./fromInseqJson.js";
import { gunzipBytes, isGzip } from "./gzip.js";
import { parsePythonJson } from "./pythonJson.js";

/** Reads the JSON text of an attribution file (inseq's or ours); malformed content throws `MALFORMED_FILE`. */
export function loadJson(text: string): FeatureAttributionOutput {
  if (typeof text !== "string") throw inseqError("INVALID_OPTION", `loadJson expects the file's text, got ${typeof text}; use load() for bytes.`);
  return fromInseqJson(parsePythonJson(text));
}

/** UTF-8 text of (already decompressed) bytes; invalid UTF-8 throws `MALFORMED_FILE`. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw inseqError("MALFORMED_FILE", "The attribution file is not UTF-8 text (nor gzip); pass a file written by FeatureAttributionOutput.save.", e);
  }
}

/**
 * Loads an attribution file from its text or bytes; gzip (inseq's `compress=True`) is detected by its magic bytes.
 * Works in browsers and Node.
 */
export async function load(input: string | Uint8Array | ArrayBuffer): Promise<FeatureAttributionOutput> {
  if (typeof input === "string") return loadJson(input);
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else throw inseqError("INVALID_OPTION", "load expects the file's text (string) or bytes (Uint8Array / ArrayBuffer); use loadFromFile(path) for a path.");
  if (isGzip(bytes)) bytes = await gunzipBytes(bytes);
  return loadJson(decodeUtf8(bytes));
}
