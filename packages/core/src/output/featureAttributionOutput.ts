import type { AggregateOptions } from "../aggregation/aggregateSequenceAttribution.js";
import { inseqError } from "../errors.js";
import { createAttributionInfo } from "./attributionInfo.js";
import { FeatureAttributionSequenceOutput, type GetScoresOptions, type SequenceScores } from "./featureAttributionSequenceOutput.js";
import type { AttributionInfo, SequenceAttributionData } from "./types.js";

/** What {@link FeatureAttributionOutput} is built from. */
export interface FeatureAttributionOutputInit {
  /** One per attributed sequence; plain data is validated and wrapped. */
  readonly sequenceAttributions: readonly (FeatureAttributionSequenceOutput | SequenceAttributionData)[];
  /** Per-step outputs (inseq's `output_step_attributions`); not kept yet, so only `null` is accepted. */
  readonly stepAttributions?: null;
  /** Run information; missing fields get inseq's defaults ({@link createAttributionInfo}). */
  readonly info?: Partial<AttributionInfo>;
}

/** The result of an attribution run (inseq's `FeatureAttributionOutput`): one output per sequence plus run information. */
export class FeatureAttributionOutput implements Iterable<FeatureAttributionSequenceOutput> {
  readonly sequenceAttributions: readonly FeatureAttributionSequenceOutput[];
  readonly stepAttributions: null;
  readonly info: AttributionInfo;

  /** Validates every sequence (`INVALID_OPTION` naming the sequence and the mismatch) and completes `info`. */
  constructor(init: FeatureAttributionOutputInit) {
    if (typeof init !== "object" || init === null || !Array.isArray(init.sequenceAttributions)) {
      throw inseqError("INVALID_OPTION", "FeatureAttributionOutput needs { sequenceAttributions: [...], info }.");
    }
    if (init.stepAttributions !== undefined && init.stepAttributions !== null) {
      throw inseqError("INVALID_OPTION", "stepAttributions are not supported yet; pass null (the sequence attributions hold the same data).");
    }
    this.sequenceAttributions = init.sequenceAttributions.map((seq, i) => {
      if (seq instanceof FeatureAttributionSequenceOutput) return seq;
      try {
        return new FeatureAttributionSequenceOutput(seq);
      } catch (e) {
        throw inseqError("INVALID_OPTION", `sequenceAttributions[${i}]: ${(e as Error).message}`, e);
      }
    });
    this.stepAttributions = null;
    this.info = createAttributionInfo(init.info ?? {});
  }

  /** Number of sequences. */
  get length(): number {
    return this.sequenceAttributions.length;
  }

  /** Iterates over the sequence outputs. */
  [Symbol.iterator](): Iterator<FeatureAttributionSequenceOutput> {
    return this.sequenceAttributions[Symbol.iterator]();
  }

  /** A new output with every sequence aggregated ({@link FeatureAttributionSequenceOutput.aggregate}); info is kept. */
  aggregate(options: AggregateOptions = {}): FeatureAttributionOutput {
    return new FeatureAttributionOutput({
      sequenceAttributions: this.sequenceAttributions.map((s) => s.aggregate(options)),
      stepAttributions: null,
      info: this.info,
    });
  }

  /** Nested-array scores of every sequence ({@link FeatureAttributionSequenceOutput.getScores}). */
  getScores(options: GetScoresOptions = {}): SequenceScores[] {
    return this.sequenceAttributions.map((s) => s.getScores(options));
  }
}
