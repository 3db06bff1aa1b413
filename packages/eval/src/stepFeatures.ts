import type { FeatureAttributionSequenceOutput } from "@inseqjs/core";

/** Which input stream a token belongs to: the encoder input, or the decoder prefix (the prompt of decoder-only models). */
export type FeatureSide = "source" | "target";

/** One input token scored by a step's attribution. */
export interface ScoredFeature {
  readonly side: FeatureSide;
  /** Token index in `source` or `target` of the sequence output. */
  readonly position: number;
  readonly score: number;
}

/** What one attributed step saw and explained, with its features ranked by attribution. */
export interface StepFeatures {
  /** Encoder ids (encoder-decoder models), else null. */
  readonly sourceIds: readonly number[] | null;
  /** Decoder input: `target[0, position)`. */
  readonly prefixIds: readonly number[];
  /** Index in `target` of the token explained. */
  readonly position: number;
  /** Id of the token explained. */
  readonly targetId: number;
  /** Tokens with a finite score, highest score first (ties: source before target, then lower position). */
  readonly ranked: readonly ScoredFeature[];
}

/**
 * The ranked features of step `step` (column) of an aggregated sequence attribution: every source / prefix token
 * with a finite score, except tokens whose id is in `ignoreIds` (special tokens are not evidence to remove).
 */
export function stepFeatures(seq: FeatureAttributionSequenceOutput, step: number, isEncoderDecoder: boolean, ignoreIds: ReadonlySet<number>): StepFeatures {
  const position = seq.attrPosStart + step;
  const ids = seq.target.map((t) => t.id);
  const features: ScoredFeature[] = [];
  const collect = (side: FeatureSide, scores: { data: Float32Array; shape: readonly number[] } | null, tokenIds: readonly number[]) => {
    if (!scores) return;
    const cols = scores.shape[1];
    const rows = side === "target" ? Math.min(scores.shape[0], position) : scores.shape[0];
    for (let i = 0; i < rows; i++) {
      const score = scores.data[i * cols + step];
      if (Number.isFinite(score) && !ignoreIds.has(tokenIds[i])) features.push({ side, position: i, score });
    }
  };
  const sourceIds = isEncoderDecoder ? (seq.source ?? []).map((t) => t.id) : null;
  if (sourceIds) collect("source", seq.sourceAttributions, sourceIds);
  collect("target", seq.targetAttributions, ids);
  features.sort((a, b) => b.score - a.score || (a.side === b.side ? a.position - b.position : a.side === "source" ? -1 : 1));
  return { sourceIds, prefixIds: ids.slice(0, position), position, targetId: ids[position], ranked: features };
}
