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
}
