import { inseqError } from "@inseqjs/core";
import type { AttributionModel, AttributionTokenizer } from "@inseqjs/core";
import type { ChatMessage, ChatTemplateOptions } from "./chatTemplateTypes.js";
import { TransformersTokenizer } from "./TransformersTokenizer.js";

/**
 * Formats a conversation with the chat template of a model loaded by `@inseqjs/transformers` (or of its tokenizer):
 * see {@link TransformersTokenizer.applyChatTemplate}. Accepts the `model` of `inseqjs`'s `loadModel` result.
 */
export function applyChatTemplate(target: AttributionModel | AttributionTokenizer, messages: readonly ChatMessage[], options: ChatTemplateOptions & { readonly tokenize: true }): number[];
export function applyChatTemplate(target: AttributionModel | AttributionTokenizer, messages: readonly ChatMessage[], options?: ChatTemplateOptions & { readonly tokenize?: false }): string;
export function applyChatTemplate(target: AttributionModel | AttributionTokenizer, messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string | number[] {
  const tokenizer = target instanceof TransformersTokenizer ? target : (target as Partial<AttributionModel>).tokenizer;
  if (!(tokenizer instanceof TransformersTokenizer)) {
    throw inseqError("INVALID_OPTION", "applyChatTemplate needs a model or tokenizer loaded by @inseqjs/transformers (loadModel / loadTransformersModel / loadTokenizer).");
  }
  return tokenizer.applyChatTemplate(messages, options);
}
