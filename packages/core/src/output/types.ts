import type { NdArray } from "../ndarray.js";

/** A token and its id (inseq's `TokenWithId`). */
export interface TokenWithId {
  readonly token: string;
  readonly id: number;
}

/**
 * The data of one attributed sequence, in inseq's layout.
 *
 * - decoder-only: `source` = the prompt tokens, `target` = prompt + generated tokens, `sourceAttributions` null,
 *   `targetAttributions` `(targetLen, nSteps[, dim])`;
 * - encoder-decoder: `source` = source tokens (with `</s>`), `target` = `[decoderStart] + generated + </s>`,
 *   `sourceAttributions` `(sourceLen, nSteps[, dim])`, `targetAttributions` the same over the target when
 *   `attributeTarget`, else null.
 *
 * Column k is the step that explains `target[attrPosStart + k]`; cells of tokens not yet in the prefix of a step
 * are NaN (inseq's upper triangle). Granular data has the trailing per-dimension axis; aggregated data has not.
 */
export interface SequenceAttributionData {
  readonly source: readonly TokenWithId[] | null;
  readonly target: readonly TokenWithId[];
  readonly sourceAttributions: NdArray | null;
  readonly targetAttributions: NdArray | null;
  /** Per-step scores by name, each `(nSteps)` (`deltas` may be `(nSteps, k)`). */
  readonly stepScores: Readonly<Record<string, NdArray>>;
  readonly sequenceScores: Readonly<Record<string, NdArray>>;
  readonly attrPosStart: number;
  readonly attrPosEnd: number;
}

/** Run information saved with an output (inseq's `info`, camelCase here, snake_case in files). */
export interface AttributionInfo {
  readonly modelName: string;
  readonly modelClass: string;
  readonly tokenizerName: string | null;
  readonly tokenizerClass: string;
  readonly attributionMethod: string;
  readonly attributedFn: string;
  readonly attributedFnArgs: Readonly<Record<string, unknown>>;
  readonly attributionArgs: Readonly<Record<string, unknown>>;
  readonly stepScores: readonly string[];
  readonly stepScoresArgs: Readonly<Record<string, unknown>>;
  readonly inputTexts: readonly string[];
  readonly generatedTexts: readonly string[];
  readonly generationArgs: Readonly<Record<string, unknown>>;
  readonly attrPosStart: number | null;
  readonly attrPosEnd: number | null;
  readonly attributeTarget: boolean;
  readonly includeEosBaseline: boolean;
  readonly constrainedDecoding: boolean;
  readonly generateFromTargetPrefix: boolean;
  readonly outputStepAttributions: boolean;
  readonly execTime: number;
  /** Anything else, kept through save/load. */
  readonly [extra: string]: unknown;
}
