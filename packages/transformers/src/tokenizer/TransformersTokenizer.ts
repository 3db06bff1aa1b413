import { Tokenizer } from "@huggingface/tokenizers";
import { inseqError } from "@inseqjs/core";
import type { AttributionTokenizer } from "@inseqjs/core";
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

  /**
   * @param tokenizerJson parsed `tokenizer.json`
   * @param tokenizerConfig parsed `tokenizer_config.json` merged with `special_tokens_map.json` (may be empty)
   */
  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown> = {}) {
    const config = normalizeConfig(tokenizerJson, tokenizerConfig);
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, config);
    } catch (e) {
      throw inseqError("MALFORMED_FILE", `tokenizer.json could not be loaded (${(e as Error).message}). Re-save it with a recent Hugging Face tokenizers / transformers.`, e);
    }
    patchWhitespacePreTokenizers(this.tokenizer.pre_tokenizer);
    this.className = tokenizerClassName(tokenizerConfig.tokenizer_class);
    const named: Record<string, number | undefined> = {};
    for (const key of NAMED) {
      const content = config[`${key}_token`] as string | undefined;
      named[key] = content === undefined ? undefined : this.tokenizer.token_to_id(content);
    }
    this.specialTokens = named;
    this.unkToken = named.unk !== undefined ? (this.tokenizer.id_to_token(named.unk) ?? "<unk>") : "<unk>";
    const special = new Set<number>([...this.tokenizer.get_added_tokens_decoder().entries()].filter(([, t]) => t.special).map(([id]) => id));
    for (const id of Object.values(named)) if (id !== undefined) special.add(id);
    this.specialIds = special;
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return "";
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => this.tokenizer.id_to_token(id) ?? this.unkToken);
  }

  /** Id of a token string, `undefined` when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }
}
