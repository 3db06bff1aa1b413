import { inseqError } from "../errors.js";
import type { TokenWithId } from "../output/types.js";
import type { TokenSpan, TokenSpans } from "./aggregator.js";

const isSpan = (s: unknown): s is TokenSpan => Array.isArray(s) && s.length === 2 && s.every((x) => Number.isSafeInteger(x));

/** One span or a list of spans as a list (inseq's `format_spans`); undefined stays undefined. */
export function formatSpans(spans: TokenSpans | undefined | null, name: string): TokenSpan[] | undefined {
  if (spans === undefined || spans === null) return undefined;
  if (!Array.isArray(spans)) throw inseqError("INVALID_OPTION", `${name} must be a [start, end] span or a list of them, got ${JSON.stringify(spans)}.`);
  if (spans.length === 0) return [];
  if (isSpan(spans)) return [[spans[0], spans[1]]];
  if (!spans.every(isSpan)) throw inseqError("INVALID_OPTION", `${name} must be a [start, end] span or a list of [start, end] spans of integers, got ${JSON.stringify(spans)}.`);
  return (spans as readonly TokenSpan[]).map((s) => [s[0], s[1]] as const);
}

/**
 * Checks spans over `length` tokens: each `[start, end)` holds at least `minLength` tokens, and spans are sorted,
 * non-overlapping and within the sequence (inseq's `validate_spans`). Throws `INVALID_OPTION` naming the span.
 */
export function validateSpans(spans: readonly TokenSpan[] | undefined, length: number, name: string, minLength = 2): void {
  if (!spans) return;
  let previousEnd = 0;
  for (const [s, e] of spans) {
    if (s < 0 || e - s < minLength) throw inseqError("INVALID_OPTION", `${name}: span [${s}, ${e}] must cover at least ${minLength} token(s) with 0 ≤ start (end is exclusive).`);
    if (s < previousEnd) throw inseqError("INVALID_OPTION", `${name}: span [${s}, ${e}] overlaps or precedes the previous one; spans must be sorted and non-overlapping.`);
    if (e > length) throw inseqError("INVALID_OPTION", `${name}: span [${s}, ${e}] ends after the sequence of ${length} tokens.`);
    previousEnd = e;
  }
}

/** Tokens with each span merged into one token: strings joined, id −1 (inseq's `aggregate_token_sequence`). */
export function mergeTokenSpans(tokens: readonly TokenWithId[], spans: readonly TokenSpan[]): TokenWithId[] {
  const out: TokenWithId[] = [];
  let i = 0;
  for (const [s, e] of spans) {
    out.push(...tokens.slice(i, s));
    out.push({ token: tokens.slice(s, e).map((t) => t.token).join(""), id: -1 });
    i = e;
  }
  out.push(...tokens.slice(i));
  return out;
}

/** Target spans in step-column coordinates (inseq's `_relativize_target_spans`): spans over the prefix dropped, the rest shifted by `start`. */
export function relativizeSpans(spans: readonly TokenSpan[], start: number): TokenSpan[] {
  if (start === 0) return [...spans];
  return spans.filter(([, e]) => e > start).map(([s, e]) => [s > start ? s - start : 0, e - start] as const);
}
