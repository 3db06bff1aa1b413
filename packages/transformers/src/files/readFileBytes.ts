/** Largest single read (Node caps one read at 2 GiB − 1). */
const CHUNK = 1 << 30;

/**
 * The whole of a local file (Node only) in one fresh `ArrayBuffer` of its size, read with as few `read` calls as
 * the size allows: no chunk list to concatenate (as `fs.readFile` builds for large files) and `byteOffset` 0, so that
 * typed-array views of aligned data in it need no copy. Throws Node's errors (`ENOENT`, `EISDIR`, ...) as they are.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import("node:fs/promises");
  const handle = await fs.open(path, "r");
  try {
    const { size } = await handle.stat();
    // not a regular file (a pipe, /proc): no size to allocate up front
    if (size === 0) {
      const buf = await handle.readFile();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, Math.min(size - offset, CHUNK), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset < size ? bytes.subarray(0, offset) : bytes;
  } finally {
    await handle.close();
  }
}
