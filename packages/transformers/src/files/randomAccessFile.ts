import { inseqError, isInseqError } from "@inseqjs/core";
import type { RandomAccessFile } from "./ModelFiles.js";

/** Largest single read (Node caps one read at 2 GiB − 1). */
const CHUNK = 1 << 30;

/**
 * A {@link RandomAccessFile} of a local file (Node only), or `undefined` when `path` is not a regular file (a pipe, a
 * device: read it whole instead). The descriptor is opened on the first read and closed once the current
 * synchronous run ends (a burst of reads, such as building a model, shares one), so that nothing needs closing and
 * nothing leaks. Throws Node's errors (`ENOENT`, ...) as they are; a read that fails later throws `MISSING_FILE`.
 */
export async function openRandomAccessFile(path: string): Promise<RandomAccessFile | undefined> {
  const fs = await import("node:fs");
  const stats = await fs.promises.stat(path);
  if (!stats.isFile()) return undefined;
  const size = stats.size;
  let fd: number | undefined;
  const descriptor = (): number => {
    if (fd !== undefined) return fd;
    const opened = fs.openSync(path, "r");
    try {
      if (fs.fstatSync(opened).size !== size) {
        throw inseqError("MALFORMED_FILE", `${path} changed on disk while the model was loading (it was ${size} bytes). Load the model again once the file is complete.`);
      }
    } catch (e) {
      fs.closeSync(opened);
      throw e;
    }
    fd = opened;
    queueMicrotask(() => {
      fd = undefined;
      fs.closeSync(opened);
    });
    return opened;
  };
  return {
    size,
    readSync(dst: Uint8Array, position: number): number {
      try {
        const handle = descriptor();
        let done = 0;
        while (done < dst.byteLength) {
          const n = fs.readSync(handle, dst, done, Math.min(dst.byteLength - done, CHUNK), position + done);
          if (n === 0) break;
          done += n;
        }
        return done;
      } catch (e) {
        if (isInseqError(e)) throw e;
        throw inseqError("MISSING_FILE", `Could not read ${path}: ${(e as Error).message}`, e);
      }
    },
  };
}
