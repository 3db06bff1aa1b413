import { inseqError } from "../errors.js";
import type { AttributionInfo } from "./types.js";

/** Info fields that must agree for outputs to be merged (inseq's `_merge_match_info_fields`). */
export const MERGE_MATCH_INFO_FIELDS = [
  "attributeTarget",
  "attributionMethod",
  "constrainedDecoding",
  "includeEosBaseline",
  "modelClass",
  "modelName",
  "stepScores",
  "tokenizerClass",
  "tokenizerName",
] as const;

/**
 * The info of merged outputs (inseq's `merge_attributions`): the first one's, with `inputTexts` and
 * `generatedTexts` concatenated and the largest `attrPosEnd`. Throws `INVALID_OPTION` naming the first
 * {@link MERGE_MATCH_INFO_FIELDS} field that differs.
 */
export function mergeAttributionInfo(infos: readonly AttributionInfo[]): AttributionInfo {
  if (infos.length === 0) throw inseqError("INVALID_OPTION", "Nothing to merge: pass at least one FeatureAttributionOutput.");
  const [first] = infos;
  for (const field of MERGE_MATCH_INFO_FIELDS) {
    const expected = JSON.stringify(first[field]);
    const other = infos.findIndex((info) => JSON.stringify(info[field]) !== expected);
    if (other >= 0) {
      throw inseqError(
        "INVALID_OPTION",
        `Cannot merge attribution outputs: info.${field} differs (${expected} in the first, ${JSON.stringify(infos[other][field])} in output ${other}); merge only outputs of the same model, method and step scores.`,
      );
    }
  }
  const ends = infos.map((i) => i.attrPosEnd).filter((e): e is number => typeof e === "number");
  return {
    ...first,
    inputTexts: infos.flatMap((i) => i.inputTexts),
    generatedTexts: infos.flatMap((i) => i.generatedTexts),
    attrPosEnd: ends.length === infos.length ? Math.max(...ends) : first.attrPosEnd,
  };
}
