import { checkRelativePath } from "./checkRelativePath.js";

const COMMIT = /^[0-9a-f]{40}$/;

/** `<cacheDir>/models--owner--name`, the Hugging Face cache folder of a model repository. */
export async function repoCacheFolder(cacheDir: string, repo: string): Promise<string> {
  const { join } = await import("node:path");
  return join(cacheDir, ["models", ...repo.split("/")].join("--"));
}

/**
 * Records `refs/<revision>` → commit for a file just downloaded to `pointerPath` (`.../snapshots/<commit>/<file>`),
 * as Python's `huggingface_hub` does, so that the cache can be used offline later. Best effort.
 */
export async function rememberRevision(cacheDir: string, repo: string, revision: string, pointerPath: string): Promise<void> {
  if (COMMIT.test(revision)) return;
  const match = /[\\/]snapshots[\\/]([0-9a-f]{40})[\\/]/.exec(pointerPath);
  if (!match) return;
  try {
    const fs = await import("node:fs/promises");
    const { join, dirname } = await import("node:path");
    const ref = join(await repoCacheFolder(cacheDir, repo), "refs", revision);
    await fs.mkdir(dirname(ref), { recursive: true });
    await fs.writeFile(ref, match[1]);
  } catch {
    // the cache stays usable online; offline use just won't find this revision
  }
}

/**
 * Where `path` at `revision` is in the Hugging Face cache, found without any network (`refs/<revision>` → snapshot),
 * or `undefined` when it is not cached.
 */
export async function cachedFilePath(cacheDir: string, repo: string, revision: string, path: string): Promise<string | undefined> {
  checkRelativePath(path, `hub cache of ${repo}`);
  try {
    const fs = await import("node:fs/promises");
    const { join } = await import("node:path");
    const folder = await repoCacheFolder(cacheDir, repo);
    const commit = COMMIT.test(revision) ? revision : (await fs.readFile(join(folder, "refs", revision), "utf8")).trim();
    if (!COMMIT.test(commit)) return undefined;
    const file = join(folder, "snapshots", commit, path);
    await fs.access(file);
    return file;
  } catch {
    return undefined;
  }
}
