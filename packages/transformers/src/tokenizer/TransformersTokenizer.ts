import { Tokenizer } from "@huggingface/tokenizers";
import { inseqError, isInseqError } from "@inseqjs/core";
import type { AttributionTokenizer } from "@inseqjs/core";
import { chatTemplates } from "./chatTemplates.js";
import type { ChatMessage, ChatTemplateOptions } from "./chatTemplateTypes.js";
import { renderChatTemplate } from "./renderChatTemplate.js";
import { tokenizerClassName } from "./tokenizerClassName.js";
import { patchWhitespacePreTokenizers } from "./unicodeWhitespace.js";

/** Ids of the tokenizer's named special tokens (undefined where it has none). */
export interface TokenizerSpecialTokens {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
  readonly unk?: number;
}

const NAMED = ["bos", "eos", "pad", "unk"] as const;
/**
 * Runs `f`, turning anything but an {@link InseqError} it throws (a TypeError from a tokenizer.json whose parts do
 * not fit together) into `MALFORMED_FILE`: a malformed file must never surface as a crash.
 */
function guarded<T>(action: "load" | "encode" | "decode", f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isInseqError(e)) throw e;
    const what = action === "load" ? "could not be loaded" : `failed to ${action} a text`;
    throw inseqError(
      "MALFORMED_FILE",
      `The tokenizer (tokenizer.json with tokenizer_config.json) ${what} (${e instanceof Error ? e.message : String(e)}). The files are malformed: re-download them, or re-save the tokenizer with a recent Hugging Face tokenizers / transformers.`,
      e,
    );
  }
}

/**
 * Token ids must be non-negative integers. A missing id is a word outside the vocabulary of a tokenizer without an
 * unknown token (`INVALID_OPTION`); any other value, a malformed vocabulary.
 */
function checkIds(ids: unknown): number[] {
  if (Array.isArray(ids) && ids.some((id) => id === undefined || id === null)) {
    throw inseqError("INVALID_OPTION", "A word of the text is not in the tokenizer's vocabulary, and the tokenizer has no unknown token to stand for it: use only words of the vocabulary, or give tokenizer.json (model.unk_token) or tokenizer_config.json an unk_token.");
  }
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id >= 0)) {
    throw new TypeError(`the tokenizer produced invalid token ids ${JSON.stringify(ids)?.slice(0, 80)}`);
  }
  return ids;
}
const TOKEN_KEYS = ["bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token"];

function tokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") return (value as { content: string }).content;
  return undefined;
}

/**
 * The config as @huggingface/tokenizers expects it: special tokens as strings (transformers may write them as
 * `{ content, ... }` objects), and the model's own `unk_token` when the config names none (its WordLevel model reads
 * the unknown token from the config only, and would otherwise return `undefined` ids for unknown words).
 */
function normalizeConfig(tokenizerJson: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of TOKEN_KEYS) {
    const content = tokenContent(config[key]);
    if (content === undefined) delete out[key];
    else out[key] = content;
  }
  if (Array.isArray(config.additional_special_tokens)) {
    out.additional_special_tokens = config.additional_special_tokens.map(tokenContent).filter((t) => t !== undefined);
  }
  const modelUnk = tokenContent((tokenizerJson.model as { unk_token?: unknown } | undefined)?.unk_token);
  if (out.unk_token === undefined && modelUnk !== undefined) out.unk_token = modelUnk;
  return out;
}

/**
 * An {@link AttributionTokenizer} over `@huggingface/tokenizers` (the tokenizer engine of transformers.js), built from
 * a `tokenizer.json` and its `tokenizer_config.json`. Token ids equal Hugging Face `tokenizers`' (Rust), including
 * Unicode words under the `Whitespace` pre-tokenizer.
 */
export class TransformersTokenizer implements AttributionTokenizer {
  readonly specialIds: ReadonlySet<number>;
  readonly className: string;
  /** Ids of bos / eos / pad / unk as named by `tokenizer_config.json` (or the model's unk token). */
  readonly specialTokens: TokenizerSpecialTokens;
  private readonly tokenizer: Tokenizer;
  private readonly unkToken: string;
  private readonly templates: Map<string, string>;
  /** Special-token strings that chat templates read (`bos_token`, `eos_token`, ...). */
  private readonly templateTokens: Record<string, unknown>;

  /**
   * @param tokenizerJson parsed `tokenizer.json`
   * @param tokenizerConfig parsed `tokenizer_config.json` merged with `special_tokens_map.json` (may be empty)
   */
  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown> = {}) {
    const config = guarded("load", () => normalizeConfig(tokenizerJson, tokenizerConfig));
    this.tokenizer = guarded("load", () => new Tokenizer(tokenizerJson, config));
    const named: Record<string, number | undefined> = {};
    let special!: Set<number>;
    guarded("load", () => {
      patchWhitespacePreTokenizers(this.tokenizer.pre_tokenizer);
      for (const key of NAMED) {
        const content = config[`${key}_token`] as string | undefined;
        const id = content === undefined ? undefined : this.tokenizer.token_to_id(content);
        named[key] = Number.isSafeInteger(id) && (id as number) >= 0 ? id : undefined;
      }
      special = new Set<number>([...this.tokenizer.get_added_tokens_decoder().entries()].filter(([, t]) => t.special).map(([id]) => id));
    });
    this.className = tokenizerClassName(tokenizerConfig.tokenizer_class);
    this.specialTokens = named;
    this.unkToken = named.unk !== undefined ? (guarded("load", () => this.tokenizer.id_to_token(named.unk!)) ?? "<unk>") : "<unk>";
    for (const id of Object.values(named)) if (id !== undefined) special.add(id);
    this.specialIds = special;
    this.templates = chatTemplates(tokenizerConfig);
    this.templateTokens = Object.fromEntries([...TOKEN_KEYS, "additional_special_tokens"].filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
  }

  /** Names of the chat templates in `tokenizer_config.json` (`["default"]` for a single one; empty when none). */
  get chatTemplateNames(): string[] {
    return [...this.templates.keys()];
  }

  /**
   * Token ids of `text`; with `addSpecialTokens` (default) the post-processor runs. When it prepends BOS to a text
   * that already starts with the BOS token (a chat template's `{{ bos_token }}`), the duplicate is dropped: Hugging
   * Face would return two BOS, which the model never saw in training.
   */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const add = options.addSpecialTokens ?? true;
    const ids = guarded("encode", () => checkIds(this.tokenizer.encode(text, { add_special_tokens: add }).ids));
    const bos = this.specialTokens.bos;
    if (!add || bos === undefined || ids.length < 2 || ids[0] !== bos || ids[1] !== bos) return ids;
    const own = guarded("encode", () => this.tokenizer.encode(text, { add_special_tokens: false }).ids);
    return own[0] === bos && ids.length > own.length ? ids.slice(1) : ids;
  }

  /**
   * Formats a conversation with the tokenizer's chat template (`tokenizer_config.json`'s `chat_template`), as Hugging
   * Face's `apply_chat_template`: text by default, ids with `tokenize: true`. To attribute an assistant answer to the
   * system/user turns, attribute `applyChatTemplate(messages, { addGenerationPrompt: true })` with that text plus the
   * answer as the generated text (see the README's "Chat models").
   */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions & { readonly tokenize: true }): number[];
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions & { readonly tokenize?: false }): string;
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): string | number[];
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string | number[] {
    const text = renderChatTemplate(this.chatTemplate(options), messages, options, this.templateTokens);
    return options.tokenize ? this.encode(text, { addSpecialTokens: false }) : text;
  }

  private chatTemplate(options: ChatTemplateOptions): string {
    const requested = options.chatTemplate;
    if (requested !== undefined) return this.templates.get(requested) ?? requested;
    if (options.tools && this.templates.has("tool_use")) return this.templates.get("tool_use")!;
    const template = this.templates.get("default") ?? (this.templates.size === 1 ? [...this.templates.values()][0] : undefined);
    if (template === undefined) {
      const names = this.chatTemplateNames;
      throw inseqError(
        "INVALID_OPTION",
        names.length === 0
          ? "This tokenizer has no chat template (tokenizer_config.json has no chat_template); pass one as options.chatTemplate, or use a chat/instruct model."
          : `This tokenizer has several chat templates (${names.join(", ")}) and none named "default"; pick one with options.chatTemplate.`,
      );
    }
    return template;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return "";
    return guarded("decode", () => this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false }));
  }

  convertIdsToTokens(ids: readonly number[]): string[] {
    return guarded("decode", () => ids.map((id) => this.tokenizer.id_to_token(id) ?? this.unkToken));
  }

  /** Id of a token string, `undefined` when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return guarded("encode", () => this.tokenizer.token_to_id(token));
  }
}
