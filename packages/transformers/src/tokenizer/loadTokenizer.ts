import { inseqError, isInseqError } from "@inseqjs/core";
import type { ModelFiles } from "../files/ModelFiles.js";
import { readJsonFile, readOptionalJsonFile } from "../files/readJsonFile.js";
import { TransformersTokenizer } from "./TransformersTokenizer.js";

/**
 * Loads the model's tokenizer from `tokenizer.json` (required) with `tokenizer_config.json` and
 * `special_tokens_map.json` (optional; the config's own entries win), and the chat template from the config or from
 * `chat_template.jinja` / `chat_template.json`.
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
  const merged: Record<string, unknown> = { ...(specialMap ?? {}), ...(config ?? {}) };
  if (merged.chat_template === undefined || merged.chat_template === null) {
    const template = await readChatTemplateFile(files);
    if (template !== undefined) merged.chat_template = template;
  }
  return new TransformersTokenizer(tokenizerJson, merged);
}

/** transformers ≥ 4.43 may save the chat template apart: `chat_template.jinja`, or `chat_template.json`. */
async function readChatTemplateFile(files: ModelFiles): Promise<unknown> {
  try {
    return new TextDecoder("utf-8").decode(await files.read("chat_template.jinja"));
  } catch (e) {
    if (!isInseqError(e, "MISSING_FILE")) throw e;
  }
  return (await readOptionalJsonFile(files, "chat_template.json"))?.chat_template;
}
