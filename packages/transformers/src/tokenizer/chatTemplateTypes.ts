/** One chat turn, as Hugging Face chat templates read it (`content` may also be a list of parts for multimodal templates). */
export interface ChatMessage {
  readonly role: string;
  readonly content: string | readonly Readonly<Record<string, unknown>>[];
  readonly [key: string]: unknown;
}

/** Options of `applyChatTemplate` (Hugging Face's `apply_chat_template` arguments, camel-cased). */
export interface ChatTemplateOptions {
  /**
   * Append the tokens that open an assistant turn (`<|im_start|>assistant\n`): the prompt to attribute an answer to.
   * Default false.
   */
  readonly addGenerationPrompt?: boolean;
  /**
   * End the text right after the final message's content, leaving that turn open (no end-of-turn token): gives
   * "prompt + answer" for a final assistant message. Exclusive with `addGenerationPrompt`. Default false.
   */
  readonly continueFinalMessage?: boolean;
  /** Return token ids (encoded without adding special tokens again, as Hugging Face does) instead of text. */
  readonly tokenize?: boolean;
  /** A template string, or the name of one of the tokenizer's named templates (`"tool_use"`), instead of the default. */
  readonly chatTemplate?: string;
  /** Tool definitions passed to the template as `tools`. */
  readonly tools?: readonly unknown[];
  /** Documents passed to the template as `documents` (retrieval-augmented templates). */
  readonly documents?: readonly unknown[];
  /** Extra template variables (`{ enable_thinking: false }`, `{ date_string: "26 Jul 2024" }`). */
  readonly templateVariables?: Readonly<Record<string, unknown>>;
}
