import { inseqError } from "@inseqjs/core";
import { checkRelativePath } from "./checkRelativePath.js";
import { isNode } from "./isNode.js";
import type { ModelFiles, RandomAccessFile } from "./ModelFiles.js";
import { openRandomAccessFile } from "./randomAccessFile.js";
import { readFileBytes } from "./readFileBytes.js";

/**
 * {@link ModelFiles} of a local folder (Node only; `node:fs` is imported lazily so that browser bundles that never
 * call this still build). Throws `MISSING_FILE` when the folder does not exist.
 */
export async function localModelFiles(folder: string): Promise<ModelFiles> {
  if (!isNode()) {
    throw inseqError("INVALID_OPTION", `Cannot open the local folder "${folder}" outside Node. In a browser, pass a Hugging Face hub id or an http(s) URL of the model files.`);
  }
  const fs = await import("node:fs/promises");
  const { join } = await import("node:path");
  let isDir = false;
  try {
    isDir = (await fs.stat(folder)).isDirectory();
  } catch {
    throw inseqError("MISSING_FILE", `Model folder "${folder}" does not exist. Pass the path of a folder holding config.json, tokenizer.json and model.safetensors, or a Hugging Face hub id such as "openai-community/gpt2".`);
  }
  if (!isDir) throw inseqError("MISSING_FILE", `"${folder}" is a file, not a model folder. Pass the folder that holds config.json, tokenizer.json and model.safetensors.`);
  const failure = (path: string, e: unknown): Error => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return inseqError("MISSING_FILE", `${path} is missing from the model folder ${folder}. Save the model there with save_pretrained (it writes ${path}), or pass another folder.`, e);
    }
    return inseqError("MISSING_FILE", `Could not read ${path} in ${folder}: ${(e as Error).message}`, e);
  };
  return {
    location: folder,
    async read(path: string): Promise<Uint8Array> {
      checkRelativePath(path, folder);
      try {
        return await readFileBytes(join(folder, path));
      } catch (e) {
        throw failure(path, e);
      }
    },
    async open(path: string): Promise<RandomAccessFile | undefined> {
      checkRelativePath(path, folder);
      try {
        return await openRandomAccessFile(join(folder, path));
      } catch (e) {
        throw failure(path, e);
      }
    },
  };
}
