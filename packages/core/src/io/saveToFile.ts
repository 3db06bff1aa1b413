import { inseqError } from "../errors.js";
import type { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { save, type SaveOptions } from "./save.js";
import { splitSequencePath, splitSequences } from "./splitSequences.js";

/** Options of {@link saveToFile}: inseq's `save(path, overwrite, compress, ndarray_compact, use_primitives, split_sequences, scores_precision)`. */
export interface SaveToFileOptions extends SaveOptions {
  /** Gzip the file (default: when the path ends in `.gz`). */
  readonly compress?: boolean;
  /** Replace existing files (default true); false throws `INVALID_OPTION` before writing if a target exists, as inseq's default. */
  readonly overwrite?: boolean;
  /**
   * One file per sequence, named as inseq names them: `out.json` → `out_0.json`, `out_1.json` (`.gz` added when
   * compressed); each file's info keeps only its sequence's input and generated text.
   */
  readonly splitSequences?: boolean;
}

async function exists(fs: typeof import("node:fs/promises"), path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node only: writes {@link save}'s JSON to `path` (or one file per sequence with `splitSequences`), gzip-compressed
 * with `compress` or a `.gz` path. Resolves to the paths written.
 */
export async function saveToFile(output: FeatureAttributionOutput, path: string, options: SaveToFileOptions = {}): Promise<string[]> {
  if (typeof path !== "string" || path === "") throw inseqError("INVALID_OPTION", "saveToFile needs a file path such as \"out.json\".");
  const compress = options.compress ?? path.endsWith(".gz");
  const files: [FeatureAttributionOutput, string][] = options.splitSequences
    ? splitSequences(output).map((o, i) => [o, splitSequencePath(path, i, compress)])
    : [[output, path]];
  const texts = files.map(([o]) => save(o, options));
  const fs = await import("node:fs/promises");
  if (options.overwrite === false) {
    for (const [, p] of files) {
      if (await exists(fs, p)) throw inseqError("INVALID_OPTION", `${p} already exists; pass { overwrite: true } to replace it.`);
    }
  }
  const zlib = compress ? await import("node:zlib") : null;
  for (let i = 0; i < files.length; i++) {
    const p = files[i][1];
    let bytes = new TextEncoder().encode(texts[i]);
    if (zlib) bytes = new Uint8Array(zlib.gzipSync(bytes));
    try {
      await fs.writeFile(p, bytes, { flag: options.overwrite === false ? "wx" : "w" });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EEXIST") throw inseqError("INVALID_OPTION", `${p} already exists; pass { overwrite: true } to replace it.`, e);
      if (code === "ENOENT") throw inseqError("MISSING_FILE", `Cannot write ${p}: its folder does not exist; create it first.`, e);
      throw e;
    }
  }
  return files.map(([, p]) => p);
}
