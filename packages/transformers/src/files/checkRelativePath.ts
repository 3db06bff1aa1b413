import { inseqError } from "@inseqjs/core";

/**
 * Rejects file names that would leave the model root (absolute, `..`, backslashes): names also come from files
 * such as `model.safetensors.index.json`, which are data, not code.
 */
export function checkRelativePath(path: string, location: string): string {
  const parts = path.split("/");
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[a-zA-Z]:/.test(path) || parts.some((p) => p === ".." || p === "")) {
    throw inseqError("MALFORMED_FILE", `Refusing to read "${path}" from ${location}: model file names must be relative paths inside the model folder. Fix the file that names it (e.g. model.safetensors.index.json).`);
  }
  return path;
}
