import { inseqError, isInseqError } from "@inseqjs/core";
import { checkRelativePath } from "./checkRelativePath.js";
import { cachedFilePath, rememberRevision } from "./hubCache.js";
import { isNode } from "./isNode.js";
import type { ModelFiles } from "./ModelFiles.js";
import { findNetworkFailure, markNetworkFailures } from "./networkFailure.js";
import { openRandomAccessFile } from "./randomAccessFile.js";
import { readFileBytes } from "./readFileBytes.js";

/** Where and how to fetch a model from the Hugging Face hub. */
export interface HubOptions {
  /** Branch, tag or commit (default `"main"`). */
  readonly revision?: string;
  /** Hugging Face cache folder (default: `HF_HUB_CACHE`, `HF_HOME/hub` or `~/.cache/huggingface/hub`, as Python). Node only. */
  readonly cacheDir?: string;
  /** `fetch` used for every request, e.g. to add a proxy or headers (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /** Hub endpoint (default `https://huggingface.co`), e.g. a mirror. */
  readonly hubUrl?: string;
  /** `hf_...` token for gated or private repositories (default: the `HF_TOKEN` environment variable in Node). */
  readonly accessToken?: string;
}

type Hub = typeof import("@huggingface/hub");

function describeHubError(e: unknown, hub: Hub, path: string, repo: string, location: string): Error | undefined {
  if (e instanceof hub.HubApiError) {
    if (e.statusCode === 401 || e.statusCode === 403) {
      return inseqError("MISSING_FILE", `The hub refused ${path} of ${repo} (HTTP ${e.statusCode}): the repository is gated or private. Accept its terms on huggingface.co and pass accessToken (or set HF_TOKEN).`, e);
    }
    if (e.statusCode === 404) {
      return inseqError("MISSING_FILE", `${path} of ${repo} was not found on the hub (HTTP 404): check the repository id and revision, or pass a local folder.`, e);
    }
    return inseqError("NETWORK_UNAVAILABLE", `The hub answered HTTP ${e.statusCode} for ${path} of ${repo} (${e.message}). Retry later, or pass a local folder.`, e);
  }
  if (e instanceof Error && /cannot get path info|invalid response for file/.test(e.message)) {
    return inseqError("MISSING_FILE", `${path} is missing from ${location}. Check the file name and revision, or pass a local folder that holds it.`, e);
  }
  return undefined;
}

/**
 * {@link ModelFiles} of a Hugging Face hub repository. In Node, files are downloaded through `@huggingface/hub` into the
 * Hugging Face cache layout (shared with Python) and read from there; without network, files already cached for
 * the revision are used, and anything else fails with `NETWORK_UNAVAILABLE`. In browsers files are fetched directly.
 */
export function hubModelFiles(repo: string, options: HubOptions = {}): ModelFiles {
  const revision = options.revision ?? "main";
  const location = `hub:${repo}@${revision}`;
  const accessToken = options.accessToken ?? (isNode() ? process.env.HF_TOKEN : undefined);
  if (accessToken !== undefined && !accessToken.startsWith("hf_")) {
    throw inseqError("INVALID_OPTION", `accessToken must be a Hugging Face token starting with "hf_"; create one at https://huggingface.co/settings/tokens.`);
  }
  const fetchFn = markNetworkFailures(options.fetch ?? ((...args) => globalThis.fetch(...args)));
  /**
   * `path` from the hub: in Node downloaded into the cache (or found there offline) and handed to `fromDisk`, in
   * browsers fetched and handed to `fromBlob` (without it: `undefined`, and nothing is fetched); the typed errors of
   * {@link ModelFiles.read} otherwise.
   */
  async function fetchFile<T>(path: string, fromDisk: (file: string) => Promise<T>, fromBlob?: (blob: Blob) => Promise<T>): Promise<T | undefined> {
    checkRelativePath(path, location);
    const hub: Hub = await import("@huggingface/hub");
    const params = {
      repo: { type: "model" as const, name: repo },
      path,
      revision,
      hubUrl: options.hubUrl,
      fetch: fetchFn,
      accessToken: accessToken as `hf_${string}` | undefined,
    };
    const inNode = isNode() && typeof hub.downloadFileToCacheDir === "function";
    const cacheDir = inNode ? (options.cacheDir ?? hub.getHFHubCachePath()) : undefined;
    let local: string | undefined;
    try {
      if (cacheDir !== undefined) {
        local = await hub.downloadFileToCacheDir({ ...params, cacheDir });
        await rememberRevision(cacheDir, repo, revision, local);
      } else {
        if (!fromBlob) return undefined;
        const blob = await hub.downloadFile(params);
        if (!blob) throw inseqError("MISSING_FILE", `${path} is missing from ${location}. Check the file name and revision, or pass a local folder that holds it.`);
        return await fromBlob(blob);
      }
    } catch (e) {
      if (isInseqError(e)) throw e;
      const network = findNetworkFailure(e);
      if (!network) throw describeHubError(e, hub, path, repo, location) ?? e;
      local = cacheDir !== undefined ? await cachedFilePath(cacheDir, repo, revision, path) : undefined;
      if (local === undefined) {
        throw inseqError(
          "NETWORK_UNAVAILABLE",
          `Cannot download ${path} of "${repo}" from the Hugging Face hub: the network is unavailable (${network.message})` +
            `${cacheDir !== undefined ? ` and it is not in the cache ${cacheDir}` : ""}. Download the model once with network ` +
            `(or with Python's save_pretrained) and pass its local folder instead, e.g. loadTransformersModel("./models/my-model").`,
          e,
        );
      }
    }
    try {
      return await fromDisk(local);
    } catch (e) {
      if (isInseqError(e)) throw e;
      throw inseqError("MISSING_FILE", `Could not read ${path} of ${location} from the cache (${local}): ${(e as Error).message}`, e);
    }
  }
  return {
    location,
    read: async (path) => (await fetchFile(path, readFileBytes, async (blob) => new Uint8Array(await blob.arrayBuffer())))!,
    // random access where the file is on disk (Node's cache); in browsers undefined, before any request
    open: (path) => fetchFile(path, openRandomAccessFile),
  };
}
