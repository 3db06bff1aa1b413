import type { ScoredFeature } from "./stepFeatures.js";

/** The two input streams of one forward row. */
export interface InputRow {
  readonly sourceIds: readonly number[] | null;
  readonly prefixIds: readonly number[];
}

/** A copy of `row` with the tokens of `features` replaced by `baselineId`. */
export function replaceFeatures(row: InputRow, features: readonly ScoredFeature[], baselineId: number): InputRow {
  const source = row.sourceIds ? [...row.sourceIds] : null;
  const prefix = [...row.prefixIds];
  for (const f of features) {
    if (f.side === "source" && source) source[f.position] = baselineId;
    else if (f.side === "target") prefix[f.position] = baselineId;
  }
  return { sourceIds: source, prefixIds: prefix };
}
