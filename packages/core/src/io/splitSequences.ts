import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";

const one = (texts: readonly string[], i: number): string[] => (i < texts.length ? [texts[i]] : []);

/**
 * One output per sequence, as inseq's `save(split_sequences=True)` writes them: each holds its sequence and the
 * run information with `inputTexts` / `generatedTexts` narrowed to that sequence's entry.
 */
export function splitSequences(output: FeatureAttributionOutput): FeatureAttributionOutput[] {
  return output.sequenceAttributions.map(
    (seq, i) =>
      new FeatureAttributionOutput({
        sequenceAttributions: [seq],
        stepAttributions: null,
        info: { ...output.info, inputTexts: one(output.info.inputTexts, i), generatedTexts: one(output.info.generatedTexts, i) },
      }),
  );
}

/**
 * The file of sequence `index` when saving `path` with split sequences, named as inseq names it: the path up to its
 * first `.json`, then `_<index>.json`, then `.gz` when compressed (`out.json` → `out_0.json`, `out_1.json`).
 */
export function splitSequencePath(path: string, index: number, compress: boolean): string {
  return `${path.split(".json")[0]}_${index}.json${compress ? ".gz" : ""}`;
}
