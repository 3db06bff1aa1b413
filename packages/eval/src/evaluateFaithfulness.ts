import { baselineTokenId, inseqError, type AttributionModel, type FeatureAttributionOutput, type TokenWithId } from "@inseqjs/core";
import { replaceFeatures, type InputRow } from "./replaceFeatures.js";
import { stepFaithfulness, type StepFaithfulnessMetrics } from "./stepFaithfulness.js";
import { stepFeatures } from "./stepFeatures.js";
import { summarizeFaithfulness, type FaithfulnessSummary } from "./summarizeFaithfulness.js";
import { targetProbabilities } from "./targetProbabilities.js";

/** The fractions of ERASER's AOPC (DeYoung et al. 2020): 1, 5, 10, 20 and 50 % of the input tokens. */
export const DEFAULT_FRACTIONS: readonly number[] = [0.01, 0.05, 0.1, 0.2, 0.5];

/** Options of {@link evaluateFaithfulness}. */
export interface FaithfulnessOptions {
  /** Fractions of the ranked tokens removed / kept (default {@link DEFAULT_FRACTIONS}). */
  readonly fractions?: readonly number[];
  /** Id that replaces a removed token (default: the attribution baseline, UNK or else PAD). */
  readonly baselineId?: number;
  /** Token ids never ranked nor replaced (default: the tokenizer's special ids, e.g. `</s>`). */
  readonly ignoreIds?: Iterable<number>;
  /** Forward rows per batch (default 64). */
  readonly batchSize?: number;
}

/** The metrics of one explained token, located in its output. */
export interface StepFaithfulness extends StepFaithfulnessMetrics {
  /** Index of the sequence in the output. */
  readonly sequence: number;
  /** Attributed step (column) within the sequence. */
  readonly step: number;
  /** Index of the explained token in the sequence's `target`. */
  readonly position: number;
  readonly token: TokenWithId;
}

/** Per-token metrics of a whole attribution output and their means. */
export interface FaithfulnessResult {
  readonly fractions: readonly number[];
  readonly steps: readonly StepFaithfulness[];
  readonly summary: FaithfulnessSummary;
}

/**
 * Faithfulness of an attribution: for every explained token, re-runs `model` with its highest-attributed input
 * tokens replaced by the baseline token (or with only those kept) and measures how the token's probability
 * changes — log-odds, comprehensiveness and sufficiency at each fraction, their AOPC means, and the deletion and
 * insertion curves with their areas. Attributions are ranked after the output's default aggregation (granular
 * outputs are aggregated with `vnorm`); steps without any rankable token are skipped.
 */
export function evaluateFaithfulness(model: AttributionModel, output: FeatureAttributionOutput, options: FaithfulnessOptions = {}): FaithfulnessResult {
  const fractions = [...(options.fractions ?? DEFAULT_FRACTIONS)];
  if (fractions.length === 0 || fractions.some((f) => !(f > 0 && f <= 1))) {
    throw inseqError("INVALID_OPTION", `fractions must be numbers in (0, 1], e.g. [0.01, 0.05, 0.1, 0.2, 0.5]; got ${JSON.stringify(options.fractions)}.`);
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw inseqError("INVALID_OPTION", `batchSize must be a positive integer, got ${JSON.stringify(options.batchSize)}.`);
  const baselineId = options.baselineId ?? baselineTokenId(model.specialTokens);
  const ignoreIds = new Set(options.ignoreIds ?? model.tokenizer.specialIds);
  const steps: StepFaithfulness[] = [];
  output.sequenceAttributions.forEach((raw, sequence) => {
    const seq = raw.granular ? raw.aggregate() : raw;
    if (model.isEncoderDecoder && !seq.source) {
      throw inseqError("INVALID_OPTION", `Sequence ${sequence} has no source tokens but ${model.modelName} is an encoder-decoder; evaluate it with the model that produced the attribution.`);
    }
    for (let step = 0; step < seq.nSteps; step++) {
      const f = stepFeatures(seq, step, model.isEncoderDecoder, ignoreIds);
      const n = f.ranked.length;
      if (n === 0) continue;
      const full: InputRow = { sourceIds: f.sourceIds, prefixIds: f.prefixIds };
      // rows: top m removed for m = 0…n, then only the top m kept for m = 1…n−1 (m = 0 is "all removed", m = n the full input)
      const rows: InputRow[] = [];
      for (let m = 0; m <= n; m++) rows.push(replaceFeatures(full, f.ranked.slice(0, m), baselineId));
      for (let m = 1; m < n; m++) rows.push(replaceFeatures(full, f.ranked.slice(m), baselineId));
      const p = targetProbabilities(model, rows, f.targetId, batchSize);
      const deletion = Array.from(p.subarray(0, n + 1));
      const insertion = [deletion[n], ...Array.from(p.subarray(n + 1)), deletion[0]];
      steps.push({ sequence, step, position: f.position, token: seq.target[f.position], ...stepFaithfulness(deletion, insertion, fractions) });
    }
  });
  return { fractions, steps, summary: summarizeFaithfulness(steps, fractions.length) };
}
