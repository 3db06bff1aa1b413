import { ATTRIBUTION_INFO_FIELDS } from "../output/attributionInfo.js";

/** Python module of inseq's output classes, the first half of their `__instance_type__`. */
export const INSEQ_ATTRIBUTION_MODULE = "inseq.data.attribution";
/** `__instance_type__` of inseq's token class. */
export const TOKEN_INSTANCE_TYPE = ["inseq.utils.typing", "TokenWithId"] as const;
/** Class name of the whole output. */
export const OUTPUT_CLASS = "FeatureAttributionOutput";
/** Class name of a sequence output that keeps the per-dimension axis. */
export const GRANULAR_SEQUENCE_CLASS = "GranularFeatureAttributionSequenceOutput";
/** Class name of an aggregated sequence output. */
export const SEQUENCE_CLASS = "FeatureAttributionSequenceOutput";

/** `modelName` → `model_name`. */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
}

/** Known info fields: camelCase in memory, snake_case in files. Other keys are kept verbatim both ways. */
export const INFO_KEY_TO_FILE: ReadonlyMap<string, string> = new Map(Object.keys(ATTRIBUTION_INFO_FIELDS).map((k) => [k, snakeCase(k)]));
/** The inverse of {@link INFO_KEY_TO_FILE}. */
export const INFO_KEY_FROM_FILE: ReadonlyMap<string, string> = new Map([...INFO_KEY_TO_FILE].map(([k, v]) => [v, k]));
