import { inseqError } from "@inseqjs/core";

/** A word-alignment link `[sourceIndex, targetIndex]`. */
export type AlignmentLink = readonly [number, number];

/** One sentence of an alignment evaluation: predicted links against gold sure (and possible) links. */
export interface AlignmentItem {
  readonly predicted: readonly AlignmentLink[];
  readonly sure: readonly AlignmentLink[];
  /** Possible links; sure links count as possible too (default: the sure links only). */
  readonly possible?: readonly AlignmentLink[];
}

/** Counts behind an alignment error rate. */
export interface AlignmentCounts {
  readonly predicted: number;
  readonly sure: number;
  /** |A ∩ S| */
  readonly predictedSure: number;
  /** |A ∩ P| (P ⊇ S) */
  readonly predictedPossible: number;
}

const key = ([s, t]: AlignmentLink) => `${s}:${t}`;

/** |A|, |S|, |A ∩ S| and |A ∩ P| of one sentence (duplicate links counted once). */
export function alignmentCounts(item: AlignmentItem): AlignmentCounts {
  for (const l of [...item.predicted, ...item.sure, ...(item.possible ?? [])]) {
    if (!Array.isArray(l) || l.length !== 2 || !l.every((x) => Number.isInteger(x) && x >= 0)) {
      throw inseqError("INVALID_OPTION", `Alignment links must be [sourceIndex, targetIndex] pairs of non-negative integers, got ${JSON.stringify(l)}.`);
    }
  }
  const a = new Set(item.predicted.map(key));
  const s = new Set(item.sure.map(key));
  const p = new Set([...item.sure, ...(item.possible ?? [])].map(key));
  const count = (set: Set<string>) => [...a].filter((l) => set.has(l)).length;
  return { predicted: a.size, sure: s.size, predictedSure: count(s), predictedPossible: count(p) };
}

/**
 * Alignment error rate (Och & Ney 2003), `1 − (|A∩S| + |A∩P|) / (|A| + |S|)`, over one sentence or a corpus (counts
 * summed over sentences, as the standard corpus-level AER). 0 is a perfect alignment, 1 shares no link with gold.
 */
export function alignmentErrorRate(items: AlignmentItem | readonly AlignmentItem[]): number {
  const list = Array.isArray(items) ? (items as readonly AlignmentItem[]) : [items as AlignmentItem];
  let num = 0;
  let den = 0;
  for (const item of list) {
    const c = alignmentCounts(item);
    num += c.predictedSure + c.predictedPossible;
    den += c.predicted + c.sure;
  }
  if (den === 0) throw inseqError("INVALID_OPTION", "alignmentErrorRate: no predicted and no gold links; pass at least one link.");
  return 1 - num / den;
}
