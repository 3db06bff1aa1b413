import { inseqError } from "@inseqjs/core";

/** Rope scaling variants of Hugging Face's `modeling_rope_utils` that are implemented. */
export type RopeScaling =
  | { readonly type: "linear"; readonly factor: number }
  | { readonly type: "dynamic"; readonly factor: number; readonly maxPositionEmbeddings: number }
  | {
      readonly type: "llama3";
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositions: number;
    };

/** Rotary embedding settings of a model. */
export interface RopeSettings {
  /** `rope_theta` (the base). */
  readonly theta: number;
  /** Rotated dimensions per head (`head_dim`; partial rotary is not supported). */
  readonly dim: number;
  readonly scaling?: RopeScaling;
}

function fail(modelType: string, message: string): never {
  throw inseqError("MALFORMED_FILE", `config.json (model_type "${modelType}"): ${message} Fix config.json or re-download the model.`);
}

function positive(params: Readonly<Record<string, unknown>>, key: string, modelType: string, fallback?: number): number {
  const v = params[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) fail(modelType, `rope scaling "${key}" must be a positive number, got ${JSON.stringify(params[key])}.`);
  return v;
}

/**
 * Reads `rope_theta` and `rope_scaling` (or transformers ≥ 5's `rope_parameters`), accepting the scaling type under
 * `rope_type` or the older `type`. Types other than default, linear, dynamic and llama3 (yarn, longrope, ...) are
 * `UNSUPPORTED_MODEL_TYPE`.
 */
export function parseRopeSettings(json: Readonly<Record<string, unknown>>, modelType: string, headDim: number, maxPositionEmbeddings: number): RopeSettings {
  const raw = json.rope_scaling ?? json.rope_parameters;
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) fail(modelType, `"rope_scaling" must be an object or null, got ${JSON.stringify(raw)}.`);
  const params = (raw ?? {}) as Readonly<Record<string, unknown>>;
  const theta = positive({ rope_theta: json.rope_theta ?? params.rope_theta }, "rope_theta", modelType, 10000);
  const partial = json.partial_rotary_factor ?? params.partial_rotary_factor;
  if (partial !== undefined && partial !== null && partial !== 1) {
    throw inseqError("UNSUPPORTED_MODEL_TYPE", `partial_rotary_factor ${JSON.stringify(partial)} of this ${modelType} model is not implemented (only full rotary embeddings).`);
  }
  const type = params.rope_type ?? params.type ?? "default";
  switch (type) {
    case "default":
      return { theta, dim: headDim };
    case "linear":
      return { theta, dim: headDim, scaling: { type: "linear", factor: positive(params, "factor", modelType) } };
    case "dynamic":
      return { theta, dim: headDim, scaling: { type: "dynamic", factor: positive(params, "factor", modelType), maxPositionEmbeddings } };
    case "llama3":
      return {
        theta,
        dim: headDim,
        scaling: {
          type: "llama3",
          factor: positive(params, "factor", modelType),
          lowFreqFactor: positive(params, "low_freq_factor", modelType),
          highFreqFactor: positive(params, "high_freq_factor", modelType),
          originalMaxPositions: positive(params, "original_max_position_embeddings", modelType),
        },
      };
    default:
      throw inseqError("UNSUPPORTED_MODEL_TYPE", `Rope scaling "${String(type)}" of this ${modelType} model is not implemented (supported: default, linear, dynamic, llama3).`);
  }
}
