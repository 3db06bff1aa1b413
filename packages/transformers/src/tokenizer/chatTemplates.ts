import { inseqError } from "@inseqjs/core";

/**
 * The chat templates of a `tokenizer_config.json` (`chat_template` as one string, or as a list of
 * `{ name, template }`); a single template is named `default`. Empty when the tokenizer has none.
 */
export function chatTemplates(config: Readonly<Record<string, unknown>>): Map<string, string> {
  const raw = config.chat_template;
  if (raw === undefined || raw === null) return new Map();
  if (typeof raw === "string") return new Map([["default", raw]]);
  if (Array.isArray(raw) && raw.every((t) => t && typeof t.name === "string" && typeof t.template === "string")) {
    return new Map(raw.map((t: { name: string; template: string }) => [t.name, t.template]));
  }
  throw inseqError("MALFORMED_FILE", `tokenizer_config.json: "chat_template" must be a template string or a list of { name, template }, got ${JSON.stringify(raw).slice(0, 80)}. Re-save the tokenizer with a recent transformers.`);
}
