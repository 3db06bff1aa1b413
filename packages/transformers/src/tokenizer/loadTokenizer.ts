import { inseqError, isInseqError } from "@inseqjs/core";
import type { ModelFiles } from "../files/ModelFiles.js";
import { readJsonFile, readOptionalJsonFile } from "../files/readJsonFile.js";
import { TransformersTokenizer } from "./TransformersTokenizer.js";

/**
 * Loads the model's tokenizer from `tokenizer.json` (required) with `tokenizer_config.json` and
 * `special_tokens_map.json` (optional; the config's own entries win).
 */
export async function loadTokenizer(files: ModelFiles): Promise<TransformersTokenizer> {
  let tokenizerJson: Record<string, unknown>;
  try {
    tokenizerJson = await readJsonFile(files, "tokenizer.json");
  } catch (e) {
    if (!isInseqError(e, "MISSING_FILE")) throw e;
    throw inseqError(
      "MISSING_FILE",
      `${e.message} inseq.js reads fast-tokenizer files only: in Python, run AutoTokenizer.from_pretrained(name).save_pretrained(folder) to write tokenizer.json.`,
      e,
    );
  }
  const [config, specialMap] = await Promise.all([readOptionalJsonFile(files, "tokenizer_config.json"), readOptionalJsonFile(files, "special_tokens_map.json")]);
  return new TransformersTokenizer(tokenizerJson, { ...(specialMap ?? {}), ...(config ?? {}) });
}
