import { inseqError } from "@inseqjs/core";
import type { ModelFiles } from "./ModelFiles.js";

/**
 * {@link ModelFiles} held in memory (strings are UTF-8 encoded): files picked in a browser, fixtures built in a
 * test, or a model assembled by code.
 */
export function memoryModelFiles(files: Readonly<Record<string, Uint8Array | string>>, location = "memory"): ModelFiles {
  const encoder = new TextEncoder();
  return {
    location,
    async read(path: string): Promise<Uint8Array> {
      // own entries only: "constructor" or "__proto__" must not resolve to Object.prototype's members
      const file = Object.hasOwn(files, path) ? files[path] : undefined;
      if (typeof file !== "string" && !(file instanceof Uint8Array)) {
        throw inseqError("MISSING_FILE", `${path} is missing from ${location} (it has: ${Object.keys(files).join(", ") || "no files"}). Add it to the files you pass.`);
      }
      return typeof file === "string" ? encoder.encode(file) : file;
    },
  };
}
