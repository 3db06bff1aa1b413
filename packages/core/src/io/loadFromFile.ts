import { inseqError } from "../errors.js";
import type { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { isGzip } from "./gzip.js";
import { decodeUtf8, loadJson } from "./load.js";

/** Node only: loads an attribution file written by inseq or {@link save}; gzip is detected by its magic bytes. */
export async function loadFromFile(path: string): Promise<FeatureAttributionOutput> {
  const fs = await import("node:fs/promises");
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw inseqError("MISSING_FILE", `No attribution file at ${path}; check the path.`, e);
    throw e;
  }
  if (isGzip(bytes)) {
    const zlib = await import("node:zlib");
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw inseqError("MALFORMED_FILE", `${path} looks gzip-compressed but could not be decompressed (${(e as Error).message}); the file is truncated or damaged.`, e);
    }
  }
  return loadJson(decodeUtf8(bytes));
}
