import { inseqError, isInseqError } from "@inseqjs/core";
import type { ModelFiles } from "./ModelFiles.js";

/** Parsed JSON object of `path`; `MALFORMED_FILE` when it is not valid JSON or not an object. */
export async function readJsonFile(files: ModelFiles, path: string): Promise<Record<string, unknown>> {
  const bytes = await files.read(path);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8").decode(bytes));
  } catch (e) {
    throw inseqError("MALFORMED_FILE", `${path} in ${files.location} is not valid JSON (${(e as Error).message}). Re-download the model or fix the file.`, e);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw inseqError("MALFORMED_FILE", `${path} in ${files.location} must hold a JSON object. Re-download the model or fix the file.`);
  }
  return json as Record<string, unknown>;
}

/** Like {@link readJsonFile}, but `undefined` when the file does not exist. */
export async function readOptionalJsonFile(files: ModelFiles, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await readJsonFile(files, path);
  } catch (e) {
    if (isInseqError(e, "MISSING_FILE")) return undefined;
    throw e;
  }
}
