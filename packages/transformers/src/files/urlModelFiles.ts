import { inseqError } from "@inseqjs/core";
import { checkRelativePath } from "./checkRelativePath.js";
import type { ModelFiles } from "./ModelFiles.js";
import { findNetworkFailure, markNetworkFailures } from "./networkFailure.js";

/**
 * {@link ModelFiles} served over http(s) below `baseUrl` (a static folder, e.g. for a browser page). 404 →
 * `MISSING_FILE`; no response at all → `NETWORK_UNAVAILABLE`.
 */
export function urlModelFiles(baseUrl: string, options: { fetch?: typeof fetch } = {}): ModelFiles {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const fetchFn = markNetworkFailures(options.fetch ?? ((...args) => globalThis.fetch(...args)));
  return {
    location: base,
    async read(path: string): Promise<Uint8Array> {
      checkRelativePath(path, base);
      const url = new URL(path, base).href;
      let response: Response;
      try {
        response = await fetchFn(url);
      } catch (e) {
        if (findNetworkFailure(e)) {
          throw inseqError("NETWORK_UNAVAILABLE", `Could not reach ${url} (${(e as Error).message}). Check the connection, or load the model from a local folder.`, e);
        }
        throw e;
      }
      if (response.status === 404) throw inseqError("MISSING_FILE", `${path} is missing at ${base} (HTTP 404). Serve the model's ${path} there.`);
      if (!response.ok) throw inseqError("MISSING_FILE", `Could not download ${url}: HTTP ${response.status}.`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
