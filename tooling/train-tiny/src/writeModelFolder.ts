import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The files of a Hugging Face model folder. */
export interface ModelFolderFiles {
  readonly config: Record<string, unknown>;
  readonly generationConfig: Record<string, unknown>;
  readonly tokenizer: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
  readonly specialTokensMap: Record<string, unknown>;
  readonly weights: Uint8Array;
  /** Further files (README.md, held-out examples), written as given. */
  readonly extra?: Readonly<Record<string, string>>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** Writes `config.json`, `model.safetensors`, the tokenizer files and the extras into `dir` (created if missing). */
export function writeModelFolder(dir: string, files: ModelFolderFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), json(files.config));
  writeFileSync(join(dir, "generation_config.json"), json(files.generationConfig));
  writeFileSync(join(dir, "tokenizer.json"), json(files.tokenizer));
  writeFileSync(join(dir, "tokenizer_config.json"), json(files.tokenizerConfig));
  writeFileSync(join(dir, "special_tokens_map.json"), json(files.specialTokensMap));
  writeFileSync(join(dir, "model.safetensors"), files.weights);
  for (const [name, text] of Object.entries(files.extra ?? {})) writeFileSync(join(dir, name), text);
}
