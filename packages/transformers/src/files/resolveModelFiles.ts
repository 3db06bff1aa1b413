import { inseqError } from "@inseqjs/core";
import { hubModelFiles } from "./hubModelFiles.js";
import type { HubOptions } from "./hubModelFiles.js";
import { isNode } from "./isNode.js";
import { localModelFiles } from "./localModelFiles.js";
import type { ModelFiles } from "./ModelFiles.js";
import { urlModelFiles } from "./urlModelFiles.js";

const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
const PATH_LIKE = /^(\.{1,2}[\\/]|[\\/]|~|[a-zA-Z]:[\\/])|\\/;

async function existsOnDisk(path: string): Promise<boolean> {
  try {
    const fs = await import("node:fs/promises");
    await fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the {@link ModelFiles} for `nameOrPath`: an http(s) URL → {@link urlModelFiles}; in Node, an existing path or
 * anything path-like (`./x`, `/x`, `C:\x`) → {@link localModelFiles}; otherwise a hub id (`gpt2`,
 * `openai-community/gpt2`) → {@link hubModelFiles}.
 */
export async function resolveModelFiles(nameOrPath: string, options: HubOptions = {}): Promise<ModelFiles> {
  if (/^https?:\/\//.test(nameOrPath)) return urlModelFiles(nameOrPath, { fetch: options.fetch });
  if (isNode() && (PATH_LIKE.test(nameOrPath) || (await existsOnDisk(nameOrPath)))) return localModelFiles(nameOrPath);
  if (HUB_ID.test(nameOrPath)) return hubModelFiles(nameOrPath, options);
  if (isNode()) return localModelFiles(nameOrPath);
  throw inseqError("MISSING_FILE", `"${nameOrPath}" is neither a Hugging Face hub id ("owner/name") nor an http(s) URL. In a browser, pass one of those.`);
}
