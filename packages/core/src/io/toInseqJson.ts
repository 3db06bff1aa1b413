import type { NdArray } from "../ndarray.js";
import type { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import type { FeatureAttributionSequenceOutput } from "../output/featureAttributionSequenceOutput.js";
import type { AttributionInfo, TokenWithId } from "../output/types.js";
import {
  GRANULAR_SEQUENCE_CLASS,
  INFO_KEY_TO_FILE,
  INSEQ_ATTRIBUTION_MODULE,
  OUTPUT_CLASS,
  SEQUENCE_CLASS,
  TOKEN_INSTANCE_TYPE,
} from "./inseqLayout.js";
import { PyFloat } from "./pythonJson.js";
import { encodeTensorBlob, type ScoresPrecision } from "./tensorBlob.js";

function token(t: TokenWithId): unknown {
  return { __instance_type__: [...TOKEN_INSTANCE_TYPE], attributes: { id: t.id, token: t.token } };
}

function blobs(scores: Readonly<Record<string, NdArray>>, precision: ScoresPrecision): Record<string, string> {
  return Object.fromEntries(Object.entries(scores).map(([name, a]) => [name, encodeTensorBlob(a, precision)]));
}

function infoToFile(info: AttributionInfo): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(info).map(([k, v]) => [INFO_KEY_TO_FILE.get(k) ?? k, k === "execTime" && typeof v === "number" ? new PyFloat(v) : v]),
  );
}

function sequenceToFile(seq: FeatureAttributionSequenceOutput, precision: ScoresPrecision): unknown {
  return {
    __instance_type__: [INSEQ_ATTRIBUTION_MODULE, seq.granular ? GRANULAR_SEQUENCE_CLASS : SEQUENCE_CLASS],
    attributes: {
      attr_pos_end: seq.attrPosEnd,
      attr_pos_start: seq.attrPosStart,
      sequence_scores: blobs(seq.sequenceScores, precision),
      source: seq.source && seq.source.map(token),
      source_attributions: seq.sourceAttributions && encodeTensorBlob(seq.sourceAttributions, precision),
      step_scores: blobs(seq.stepScores, precision),
      target: seq.target.map(token),
      target_attributions: seq.targetAttributions && encodeTensorBlob(seq.targetAttributions, precision),
    },
  };
}

/**
 * The object tree inseq's `FeatureAttributionOutput.save` writes (before JSON text): `__instance_type__` /
 * `attributes` wrappers, snake_case info, tokens as `TokenWithId` instances and every array as a base64
 * safetensors blob holding the raw values. `execTime` is marked as a Python float.
 */
export function toInseqJson(output: FeatureAttributionOutput, precision: ScoresPrecision = "float32"): unknown {
  return {
    __instance_type__: [INSEQ_ATTRIBUTION_MODULE, OUTPUT_CLASS],
    attributes: {
      info: infoToFile(output.info),
      sequence_attributions: output.sequenceAttributions.map((s) => sequenceToFile(s, precision)),
      step_attributions: null,
    },
  };
}
