import type { AggregatorInput, AggregatorOptions } from "../aggregation/aggregator.js";
import { inseqError } from "../errors.js";
import type { SaveToFileOptions } from "../io/saveToFile.js";
import { createAttributionInfo } from "./attributionInfo.js";
import { getAttributionRenderer, type ShowOptions } from "./attributionRenderer.js";
import { mergeAttributionInfo } from "./mergeAttributionInfo.js";
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

  /**
   * A new output with every sequence aggregated ({@link FeatureAttributionSequenceOutput.aggregate}: the default
   * aggregation, an aggregator id, an aggregator or a pipeline, with options); info is kept. For `pair`,
   * `pairedAttr` may be another FeatureAttributionOutput: sequence i is paired with its sequence i.
   */
  aggregate(aggregator?: AggregatorInput | AggregatorOptions, options: AggregatorOptions = {}): FeatureAttributionOutput {
    const paired = options.pairedAttr;
    if (paired instanceof FeatureAttributionOutput && paired.length !== this.length) {
      throw inseqError("INVALID_OPTION", `pairedAttr has ${paired.length} sequences but this output has ${this.length}; pair outputs of the same inputs.`);
    }
    return new FeatureAttributionOutput({
      sequenceAttributions: this.sequenceAttributions.map((s, i) =>
        s.aggregate(aggregator, paired instanceof FeatureAttributionOutput ? { ...options, pairedAttr: paired.sequenceAttributions[i] } : options),
      ),
      stepAttributions: null,
      info: this.info,
    });
  }

  /** Every sequence weighted by a step score ({@link FeatureAttributionSequenceOutput.weightAttributions}); info is kept. */
  weightAttributions(stepScore: string): FeatureAttributionOutput {
    return new FeatureAttributionOutput({
      sequenceAttributions: this.sequenceAttributions.map((s) => s.weightAttributions(stepScore)),
      stepAttributions: null,
      info: this.info,
    });
  }

  /**
   * One output holding this output's sequences followed by those of `others` (inseq's `merge_attributions`); they
   * must agree on model, method, step scores and attribution settings (`INVALID_OPTION` naming the field).
   */
  merge(...others: readonly FeatureAttributionOutput[]): FeatureAttributionOutput {
    const all = [this, ...others];
    if (!all.every((o) => o instanceof FeatureAttributionOutput)) throw inseqError("INVALID_OPTION", "merge takes FeatureAttributionOutput objects.");
    return new FeatureAttributionOutput({
      sequenceAttributions: all.flatMap((o) => o.sequenceAttributions),
      stepAttributions: null,
      info: mergeAttributionInfo(all.map((o) => o.info)),
    });
  }

  /** Nested-array scores of every sequence ({@link FeatureAttributionSequenceOutput.getScores}). */
  getScores(options: GetScoresOptions = {}): SequenceScores[] {
    return this.sequenceAttributions.map((s) => s.getScores(options));
  }

  /**
   * Shows the attributions (inseq's `show`): a terminal heatmap on stdout in Node, HTML appended to the page in a
   * browser; returns the rendered text / HTML. Aggregates first unless `aggregate: false`. Needs a renderer:
   * importing `inseqjs` or `@inseqjs/viz` registers one ({@link setAttributionRenderer}).
   */
  show(options: ShowOptions = {}): string {
    const renderer = getAttributionRenderer();
    if (!renderer) {
      throw inseqError("INVALID_OPTION", 'show() has no renderer: import "inseqjs" or "@inseqjs/viz" (which register one), or call setAttributionRenderer(renderer).');
    }
    return renderer.render(options.aggregate === false ? this : this.aggregate(options.aggregation), options);
  }

  /**
   * Node only: saves the output as inseq's JSON (`FeatureAttributionOutput.save`), gzip for `.gz` paths; resolves
   * to the paths written (several with `splitSequences`). In browsers use `saveBytes`.
   */
  async save(path: string, options: SaveToFileOptions = {}): Promise<string[]> {
    // Loaded lazily: io/ imports this class, so a static import would be a cycle.
    const { saveToFile } = await import("../io/saveToFile.js");
    return saveToFile(this, path, options);
  }

  /**
   * Loads a file written by inseq or by {@link FeatureAttributionOutput.save}: JSON text (a string starting with
   * `{`), bytes (gzip detected), or, in Node, a path.
   */
  static async load(input: string | Uint8Array | ArrayBuffer): Promise<FeatureAttributionOutput> {
    if (typeof input === "string" && !input.trimStart().startsWith("{")) {
      const { loadFromFile } = await import("../io/loadFromFile.js");
      return loadFromFile(input);
    }
    const { load } = await import("../io/load.js");
    return load(input);
  }
}
