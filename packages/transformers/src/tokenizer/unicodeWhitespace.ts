import { WhitespacePreTokenizer } from "@huggingface/tokenizers";

// Rust's regex `\w` (Hugging Face tokenizers) is Unicode-aware; JavaScript's is ASCII-only, so the Whitespace
// pre-tokenizer `\w+|[^\w\s]+` splits `café` into `caf` + `é` in @huggingface/tokenizers 0.2.0 where Hugging Face
// keeps one word. These classes are Rust's `\w` (UTS #18 word characters).
const WORD = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
const WHITESPACE_SPLIT = new RegExp(`[${WORD}]+|[^${WORD}\\s]+`, "gu");

function unicodeWhitespaceSplit(text: string): string[] {
  return text.match(WHITESPACE_SPLIT) ?? [];
}

interface PreTokenizerNode {
  pre_tokenize_text?: (text: string) => string[];
  tokenizers?: unknown[];
}

/**
 * Makes every `Whitespace` pre-tokenizer inside `preTokenizer` (also inside `Sequence`s) split on Unicode word
 * characters, as Hugging Face does. Returns how many were patched.
 */
export function patchWhitespacePreTokenizers(preTokenizer: unknown): number {
  if (!preTokenizer || typeof preTokenizer !== "object" && typeof preTokenizer !== "function") return 0;
  const node = preTokenizer as PreTokenizerNode;
  if (preTokenizer instanceof WhitespacePreTokenizer) {
    node.pre_tokenize_text = unicodeWhitespaceSplit;
    return 1;
  }
  return Array.isArray(node.tokenizers) ? node.tokenizers.reduce<number>((n, t) => n + patchWhitespacePreTokenizers(t), 0) : 0;
}
