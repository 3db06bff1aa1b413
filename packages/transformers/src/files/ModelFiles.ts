/**
 * Synchronous random access to one file (Node): weights are read straight to where they end up (the compute
 * backend's memory) instead of through a copy of the whole file.
 */
export interface RandomAccessFile {
  /** Size of the file in bytes, when it was opened. */
  readonly size: number;
  /**
   * Fills `dst` with the bytes at `position` on; returns how many were read (fewer only at the end of the file).
   * `MALFORMED_FILE` when the file changed size since it was opened.
   */
  readSync(dst: Uint8Array, position: number): number;
}

/**
 * Read access to the files of one model in Hugging Face layout (`config.json`, `tokenizer.json`,
 * `model.safetensors`, ...), wherever they live: a local folder, the hub, a web server, memory.
 */
export interface ModelFiles {
  /** Where the files come from, for messages (`./models/tiny-gpt2`, `hub:openai-community/gpt2@main`). */
  readonly location: string;
  /**
   * Bytes of `path` (relative to the model root, `/`-separated). Throws `InseqError` `MISSING_FILE` naming the
   * file when it does not exist, `NETWORK_UNAVAILABLE` when a remote source cannot be reached.
   */
  read(path: string): Promise<Uint8Array>;
  /**
   * Optional, where the files are on a local disk (Node): `path` opened for {@link RandomAccessFile} reads, with the
   * errors of `read`; `undefined` when it cannot be read at random (not a regular file: use `read`). Readers of
   * large files (weights) use it when present.
   */
  open?(path: string): Promise<RandomAccessFile | undefined>;
}
