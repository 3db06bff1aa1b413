import { inseqError, isInseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import { createAttributionInfo } from "../output/attributionInfo.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { FeatureAttributionSequenceOutput } from "../output/featureAttributionSequenceOutput.js";
import type { AttributionInfo, TokenWithId } from "../output/types.js";
import { INFO_KEY_FROM_FILE, INSEQ_ATTRIBUTION_MODULE, OUTPUT_CLASS, TOKEN_INSTANCE_TYPE } from "./inseqLayout.js";
import { decodeTensorBlob } from "./tensorBlob.js";

type Json = Record<string, unknown>;

function malformed(where: string, message: string, cause?: unknown): never {
  throw inseqError("MALFORMED_FILE", `Malformed inseq attribution file at ${where}: ${message}`, cause);
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function object(v: unknown, where: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) malformed(where, `expected an object, got ${describe(v)}.`);
  return v as Json;
}

/** Checks an `{__instance_type__: [module, name], attributes}` wrapper and returns its attributes. */
function instance(v: unknown, where: string, accept: (module: string, name: string) => boolean, wanted: string): Json {
  const o = object(v, where);
  const type = o.__instance_type__;
  if (!Array.isArray(type) || type.length !== 2 || typeof type[0] !== "string" || typeof type[1] !== "string") {
    malformed(where, `expected an inseq ${wanted} with "__instance_type__": [module, class], got ${JSON.stringify(type)?.slice(0, 80)}.`);
  }
  if (!accept(type[0], type[1])) malformed(where, `expected an inseq ${wanted}, got class ${type[0]}.${type[1]}.`);
  return object(o.attributes, `${where}.attributes`);
}

function tokens(v: unknown, where: string): TokenWithId[] {
  if (!Array.isArray(v)) malformed(where, `expected a list of tokens, got ${describe(v)}.`);
  return v.map((t, i) => {
    const w = `${where}[${i}]`;
    const o = object(t, w);
    const a = "__instance_type__" in o
      ? instance(t, w, (m, n) => m === TOKEN_INSTANCE_TYPE[0] && n === TOKEN_INSTANCE_TYPE[1], "TokenWithId")
      : o;
    if (typeof a.token !== "string" || !Number.isSafeInteger(a.id)) malformed(w, `a token needs "token" (string) and "id" (integer), got ${JSON.stringify(a).slice(0, 80)}.`);
    return { token: a.token as string, id: a.id as number };
  });
}

function tensorOrNull(v: unknown, where: string): NdArray | null {
  return v === null || v === undefined ? null : decodeTensorBlob(v, where);
}

function scores(v: unknown, where: string): Record<string, NdArray> {
  if (v === null || v === undefined) return {};
  return Object.fromEntries(Object.entries(object(v, where)).map(([k, blob]) => [k, decodeTensorBlob(blob, `${where}.${k}`)]));
}

function integer(v: unknown, where: string, fallback: number): number {
  if (v === null || v === undefined) return fallback;
  if (!Number.isSafeInteger(v)) malformed(where, `expected an integer, got ${JSON.stringify(v)}.`);
  return v as number;
}

/** Rethrows an `INVALID_OPTION` from a constructor as `MALFORMED_FILE` at `where`. */
function asMalformed<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (isInseqError(e, "INVALID_OPTION")) malformed(where, e.message, e);
    throw e;
  }
}

function sequenceFromFile(v: unknown, where: string): FeatureAttributionSequenceOutput {
  const a = instance(v, where, (m, n) => m === INSEQ_ATTRIBUTION_MODULE && n.endsWith("FeatureAttributionSequenceOutput"), "FeatureAttributionSequenceOutput");
  const w = `${where}.attributes`;
  const target = tokens(a.target, `${w}.target`);
  const source = a.source === null || a.source === undefined ? null : tokens(a.source, `${w}.source`);
  const data = {
    source,
    target,
    sourceAttributions: tensorOrNull(a.source_attributions, `${w}.source_attributions`),
    targetAttributions: tensorOrNull(a.target_attributions, `${w}.target_attributions`),
    stepScores: scores(a.step_scores, `${w}.step_scores`),
    sequenceScores: scores(a.sequence_scores, `${w}.sequence_scores`),
    attrPosStart: integer(a.attr_pos_start, `${w}.attr_pos_start`, 0),
    attrPosEnd: integer(a.attr_pos_end, `${w}.attr_pos_end`, target.length),
  };
  return asMalformed(w, () => new FeatureAttributionSequenceOutput(data));
}

function infoFromFile(v: unknown, where: string): AttributionInfo {
  if (v === null || v === undefined) return createAttributionInfo();
  const entries = Object.entries(object(v, where)).map(([k, value]) => [INFO_KEY_FROM_FILE.get(k) ?? k, value]);
  return asMalformed(where, () => createAttributionInfo(Object.fromEntries(entries)));
}

/**
 * Builds a {@link FeatureAttributionOutput} from the parsed JSON of a file written by inseq's
 * `FeatureAttributionOutput.save` (or by {@link save}), validating every level; anything unexpected throws
 * `MALFORMED_FILE` naming the JSON path. Per-step attributions (`step_attributions`) are not kept.
 */
export function fromInseqJson(json: unknown): FeatureAttributionOutput {
  const root = object(json, "$");
  if (!("__instance_type__" in root) && "sequence_attributions" in root) {
    malformed("$", "the file was saved with usePrimitives (inseq's use_primitives=True), which drops the class information that loading needs; re-save it without that option.");
  }
  const attributes = instance(json, "$", (m, n) => m === INSEQ_ATTRIBUTION_MODULE && n === OUTPUT_CLASS, OUTPUT_CLASS);
  const seqs = attributes.sequence_attributions;
  if (!Array.isArray(seqs)) malformed("$.attributes.sequence_attributions", `expected a list, got ${describe(seqs)}.`);
  const sequenceAttributions = seqs.map((s, i) => sequenceFromFile(s, `$.attributes.sequence_attributions[${i}]`));
  const info = infoFromFile(attributes.info, "$.attributes.info");
  return new FeatureAttributionOutput({ sequenceAttributions, stepAttributions: null, info });
}
