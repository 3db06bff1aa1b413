import { inseqError } from "../errors.js";
import { stepFunctionArg } from "../stepFunctions/stepFunctionArgs.js";

/** An alignment pair `[originalTargetIndex, contrastTargetIndex]` (inseq's `contrast_targets_alignments`). */
export type ContrastAlignment = readonly [number, number];

/** Contrastive inputs as a user passes them (attribute options, `attributedFnArgs`, `stepScoresArgs`). */
export interface ContrastOptions {
  /**
   * Contrastive generation(s) to compare with, one per input text: decoder-only models take the full text (prompt
   * included, like `generatedTexts`), encoder-decoder models the contrastive target text.
   */
  readonly contrastTargets?: string | readonly string[];
  /** Contrastive source text(s) of encoder-decoder models, one per input text. */
  readonly contrastSources?: string | readonly string[];
  /**
   * `[i, j]` pairs aligning original target token i with contrast token j (indices over the full target ids:
   * decoder-only prompt + generation, encoder-decoder decoder start + generation); one list, or one list per
   * sequence. Unaligned positions are aligned 1:1, as inseq. Default: 1:1 everywhere.
   */
  readonly contrastTargetsAlignments?: readonly ContrastAlignment[] | readonly (readonly ContrastAlignment[])[];
  /**
   * Score the contrast inputs with their own forward even when attributing (inseq's `contrast_force_inputs`); by
   * default an attributed contrastive function keeps the original inputs and only swaps the target token.
   */
  readonly contrastForceInputs?: boolean;
  /** Tokenize the contrast texts without the tokenizer's special tokens (inseq's `skip_special_tokens`). */
  readonly skipSpecialTokens?: boolean;
}

/** Normalised contrastive inputs of one step-function argument set. */
export interface ContrastSpec {
  readonly targets?: readonly string[];
  readonly sources?: readonly string[];
  /** Per sequence: explicit alignment pairs, or undefined for 1:1. */
  readonly alignments: readonly (readonly ContrastAlignment[] | undefined)[];
  readonly skipSpecialTokens: boolean;
}

function texts(value: unknown, name: string, n: number, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((t) => typeof t === "string")) {
    throw inseqError("INVALID_OPTION", `${where}.${name} must be a string or an array of strings (one per input text).`);
  }
  if (list.length !== n) {
    throw inseqError("BATCH_MISMATCH", `${where}.${name} has ${list.length} text(s) for ${n} input text(s); pass one per input text.`);
  }
  list.forEach((t, i) => {
    if (t.trim() === "") throw inseqError("EMPTY_INPUT", `${where}.${name}[${i}] is empty; pass the contrastive text.`);
  });
  return list;
}

const isPair = (p: unknown): p is ContrastAlignment =>
  Array.isArray(p) && p.length === 2 && p.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);

function alignments(value: unknown, n: number, where: string): (ContrastAlignment[] | undefined)[] {
  if (value === undefined || value === null) return new Array(n).fill(undefined);
  if (typeof value === "string") {
    throw inseqError("INVALID_OPTION", `${where}.contrastTargetsAlignments "${value}": automatic alignment (inseq's "auto", a LaBSE aligner) is not available; pass explicit [[i, j], ...] pairs.`);
  }
  const bad = () =>
    inseqError("INVALID_OPTION", `${where}.contrastTargetsAlignments must be [[i, j], ...] pairs of non-negative integers (original index, contrast index), or one such list per sequence.`);
  if (!Array.isArray(value)) throw bad();
  if (value.length === 0) return new Array(n).fill(undefined);
  if (value.every(isPair)) {
    if (n !== 1) throw inseqError("BATCH_MISMATCH", `${where}.contrastTargetsAlignments is a single list of pairs but there are ${n} sequences; pass one list per sequence.`);
    return [value.map((p) => [p[0], p[1]] as const)];
  }
  if (!value.every((list) => Array.isArray(list) && list.every(isPair))) throw bad();
  if (value.length !== n) throw inseqError("BATCH_MISMATCH", `${where}.contrastTargetsAlignments has ${value.length} lists for ${n} sequences; pass one per sequence.`);
  return value.map((list: ContrastAlignment[]) => (list.length ? list.map((p) => [p[0], p[1]] as const) : undefined));
}

/**
 * Reads the contrastive inputs of one argument set (camelCase keys, inseq's snake_case accepted), checking that
 * there is one text per input. Undefined when neither contrast targets nor contrast sources are given.
 */
export function readContrastSpec(args: Readonly<Record<string, unknown>>, nTexts: number, where: string): ContrastSpec | undefined {
  const targets = texts(stepFunctionArg(args, "contrastTargets"), "contrastTargets", nTexts, where);
  const sources = texts(stepFunctionArg(args, "contrastSources"), "contrastSources", nTexts, where);
  const aligned = alignments(stepFunctionArg(args, "contrastTargetsAlignments"), nTexts, where);
  if (!targets && !sources) {
    if (aligned.some((a) => a !== undefined)) {
      throw inseqError("INVALID_OPTION", `${where}.contrastTargetsAlignments is given without contrastTargets; pass the contrastive texts they align to.`);
    }
    return undefined;
  }
  const skip = stepFunctionArg(args, "skipSpecialTokens");
  if (skip !== undefined && typeof skip !== "boolean") throw inseqError("INVALID_OPTION", `${where}.skipSpecialTokens must be true or false.`);
  return { targets, sources, alignments: aligned, skipSpecialTokens: skip === true };
}
