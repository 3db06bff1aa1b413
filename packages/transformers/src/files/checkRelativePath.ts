import { inseqError } from "@inseqjs/core";

/** A URL scheme or a drive letter (`https:`, `data:`, `C:`): the name would not resolve below the model root. */
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
/** Control characters (NUL ends a path in C APIs). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Rejects file names that would leave the model root (absolute, `..` — also percent-encoded, which URLs resolve —,
 * backslashes, URL schemes, control characters): names also come from files such as
 * `model.safetensors.index.json`, which are data, not code.
 */
export function checkRelativePath(path: string, location: string): string {
  const parts = typeof path === "string" ? path.split("/").map((p) => p.replace(/%2e/gi, ".")) : [];
  if (typeof path !== "string" || path === "" || path.startsWith("/") || path.includes("\\") || SCHEME.test(path) || CONTROL.test(path) || parts.some((p) => p === ".." || p === "")) {
    throw inseqError("MALFORMED_FILE", `Refusing to read "${path}" from ${location}: model file names must be relative paths inside the model folder. Fix the file that names it (e.g. model.safetensors.index.json).`);
  }
  return path;
}
