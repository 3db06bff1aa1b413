import { inseqError } from "../errors.js";
import type { AttributionInfo } from "./types.js";

const DEFAULTS: AttributionInfo = {
  modelName: "",
  modelClass: "",
  tokenizerName: null,
  tokenizerClass: "",
  attributionMethod: "",
  attributedFn: "probability",
  attributedFnArgs: {},
  attributionArgs: {},
  stepScores: [],
  stepScoresArgs: {},
  inputTexts: [],
  generatedTexts: [],
  generationArgs: {},
  attrPosStart: null,
  attrPosEnd: null,
  attributeTarget: false,
  includeEosBaseline: false,
  constrainedDecoding: false,
  generateFromTargetPrefix: false,
  outputStepAttributions: false,
  execTime: 0,
};

/** The type a known {@link AttributionInfo} field must have. */
export type AttributionInfoFieldKind = "string" | "string|null" | "boolean" | "number" | "integer|null" | "object" | "string[]";

/** The type each known info field must have. */
export const ATTRIBUTION_INFO_FIELDS: Readonly<Record<string, AttributionInfoFieldKind>> = {
  modelName: "string",
  modelClass: "string",
  tokenizerName: "string|null",
  tokenizerClass: "string",
  attributionMethod: "string",
  attributedFn: "string",
  attributedFnArgs: "object",
  attributionArgs: "object",
  stepScores: "string[]",
  stepScoresArgs: "object",
  inputTexts: "string[]",
  generatedTexts: "string[]",
  generationArgs: "object",
  attrPosStart: "integer|null",
  attrPosEnd: "integer|null",
  attributeTarget: "boolean",
  includeEosBaseline: "boolean",
  constrainedDecoding: "boolean",
  generateFromTargetPrefix: "boolean",
  outputStepAttributions: "boolean",
  execTime: "number",
};

function matches(kind: AttributionInfoFieldKind, v: unknown): boolean {
  switch (kind) {
    case "string": return typeof v === "string";
    case "string|null": return v === null || typeof v === "string";
    case "boolean": return typeof v === "boolean";
    case "number": return typeof v === "number";
    case "integer|null": return v === null || Number.isSafeInteger(v);
    case "object": return typeof v === "object" && v !== null && !Array.isArray(v);
    case "string[]": return Array.isArray(v) && v.every((s) => typeof s === "string");
  }
}

/**
 * Completes run information with inseq's defaults (empty names and arguments, `false` flags, `execTime` 0) and
 * checks the type of every known field (`INVALID_OPTION` naming the field). Extra fields are kept as given.
 */
export function createAttributionInfo(partial: Partial<AttributionInfo> = {}): AttributionInfo {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) {
    throw inseqError("INVALID_OPTION", "Attribution info must be an object of run information (modelName, attributionMethod, ...).");
  }
  const given = Object.entries(partial).filter(([, value]) => value !== undefined);
  for (const [key, value] of given) {
    const kind = Object.hasOwn(ATTRIBUTION_INFO_FIELDS, key) ? ATTRIBUTION_INFO_FIELDS[key] : undefined;
    if (kind !== undefined && !matches(kind, value)) {
      throw inseqError("INVALID_OPTION", `Attribution info field ${key} must be ${kind.replace("|", " or ")}, got ${JSON.stringify(value)}.`);
    }
  }
  // fromEntries defines own properties, so a "__proto__" key cannot change the prototype.
  return Object.fromEntries([...Object.entries(DEFAULTS), ...given]) as AttributionInfo;
}
