import { inseqError } from "../errors.js";
import { FeatureAttributionOutput } from "./featureAttributionOutput.js";

/**
 * Merges several outputs into one whose sequences are all of theirs in order (inseq's `merge_attributions`), if
 * they agree on model, method, step scores and attribution settings ({@link MERGE_MATCH_INFO_FIELDS}).
 */
export function mergeAttributions(outputs: readonly FeatureAttributionOutput[]): FeatureAttributionOutput {
  if (outputs.length === 0 || !outputs.every((o) => o instanceof FeatureAttributionOutput)) {
    throw inseqError("INVALID_OPTION", "mergeAttributions takes a non-empty array of FeatureAttributionOutput objects.");
  }
  return outputs[0].merge(...outputs.slice(1));
}
