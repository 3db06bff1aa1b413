import { inseqError } from "../errors.js";
import type { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { save, type SaveOptions } from "./save.js";

/** Options of {@link saveToFile}. */
export interface SaveToFileOptions extends SaveOptions {
  /** Gzip the file (default: when the path ends in `.gz`). */
  readonly compress?: boolean;
  /** Replace an existing file (default true); false throws `INVALID_OPTION` if the file exists, as inseq's default. */
  readonly overwrite?: boolean;
}

/** Node only: writes {@link save}'s JSON to `path`, gzip-compressed with `compress` or a `.gz` path. */
export async function saveToFile(output: FeatureAttributionOutput, path: string, options: SaveToFileOptions = {}): Promise<void> {
  const text = save(output, options);
  const fs = await import("node:fs/promises");
  let bytes = new TextEncoder().encode(text);
  if (options.compress ?? path.endsWith(".gz")) {
    const zlib = await import("node:zlib");
    bytes = new Uint8Array(zlib.gzipSync(bytes));
  }
  try {
    await fs.writeFile(path, bytes, { flag: options.overwrite === false ? "wx" : "w" });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EEXIST") throw inseqError("INVALID_OPTION", `${path} already exists; pass { overwrite: true } to replace it.`, e);
    if (code === "ENOENT") throw inseqError("MISSING_FILE", `Cannot write ${path}: its folder does not exist; create it first.`, e);
    throw e;
  }
}
