import { Template } from "@huggingface/jinja";
import { inseqError } from "@inseqjs/core";
import type { ChatMessage, ChatTemplateOptions } from "./chatTemplateTypes.js";

function finalContent(messages: readonly ChatMessage[]): string {
  const content = messages[messages.length - 1].content;
  if (typeof content === "string") return content.trim();
  // Multimodal content: Hugging Face continues the last text part.
  const texts = content.filter((part) => part.type === "text" && typeof part.text === "string");
  return texts.length === 0 ? "" : (texts[texts.length - 1].text as string).trim();
}

/**
 * Renders a Jinja chat template as Hugging Face's `apply_chat_template` does: `messages`, `add_generation_prompt`,
 * `tools`, `documents`, the tokenizer's special-token strings (`bos_token`, ...) and extra variables in scope;
 * `raise_exception` and `strftime_now` available. With `continueFinalMessage` the text is cut right after the final
 * message's content. Template errors are `INVALID_OPTION` (bad messages) or `MALFORMED_FILE` (a broken template).
 */
export function renderChatTemplate(template: string, messages: readonly ChatMessage[], options: ChatTemplateOptions, specialTokens: Readonly<Record<string, unknown>>): string {
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => m && typeof m.role === "string" && m.content !== undefined)) {
    throw inseqError("INVALID_OPTION", "applyChatTemplate: messages must be a non-empty list of { role, content } objects.");
  }
  if (options.continueFinalMessage && options.addGenerationPrompt) {
    throw inseqError("INVALID_OPTION", "applyChatTemplate: continueFinalMessage and addGenerationPrompt are exclusive; continueFinalMessage leaves the final turn open, addGenerationPrompt opens a new assistant turn.");
  }
  let compiled: Template;
  try {
    compiled = new Template(template);
  } catch (e) {
    throw inseqError("MALFORMED_FILE", `The chat template could not be parsed (${(e as Error).message}). Fix tokenizer_config.json's chat_template or pass one as options.chatTemplate.`, e);
  }
  let text: string;
  try {
    text = compiled.render({
      ...specialTokens,
      ...options.templateVariables,
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? false,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.documents ? { documents: options.documents } : {}),
    });
  } catch (e) {
    throw inseqError("INVALID_OPTION", `The chat template rejected these messages: ${(e as Error).message}`, e);
  }
  if (!options.continueFinalMessage) return text;
  const last = finalContent(messages);
  const at = text.lastIndexOf(last);
  if (last === "" || at < 0) {
    throw inseqError("INVALID_OPTION", "applyChatTemplate: continueFinalMessage is set but the final message does not appear in the rendered chat; the template rewrites it. Build the text as prompt + answer instead.");
  }
  return text.slice(0, at + last.length);
}
