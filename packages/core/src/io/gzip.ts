import { inseqError } from "../errors.js";

/** Whether `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes.slice()]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Gzip-compresses bytes with the platform's `CompressionStream` (browsers, Node ≥ 18). */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream("gzip"));
}

/** Decompresses gzip bytes with the platform's `DecompressionStream`; corrupt data throws `MALFORMED_FILE`. */
export async function gunzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await pipe(bytes, new DecompressionStream("gzip"));
  } catch (e) {
    throw inseqError("MALFORMED_FILE", `The gzip data could not be decompressed (${(e as Error).message}); the file is truncated or damaged.`, e);
  }
}
