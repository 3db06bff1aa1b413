import { inseqError } from "@inseqjs/core";
import { ConfigFields } from "../../config/ConfigFields.js";
import { parseRopeSettings } from "./ropeSettings.js";
import type { RopeSettings } from "./ropeSettings.js";

/** The `model_type`s implemented by {@link LlamaModel}. */
export const LLAMA_FAMILY_TYPES = ["llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2"] as const;

/** One of {@link LLAMA_FAMILY_TYPES}. */
export type LlamaFamilyType = (typeof LLAMA_FAMILY_TYPES)[number];

/** A Llama-family `config.json`, with each family's differences spelled out as fields. */
export interface LlamaConfig {
  readonly modelType: LlamaFamilyType;
  /** `architectures[0]`, e.g. `LlamaForCausalLM`. */
  readonly architecture: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** Key/value heads (grouped-query attention when fewer than `numHeads`). */
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly rmsNormEps: number;
  /** Gemma's RMSNorm multiplies by `1 + weight`. */
  readonly normAddsOne: boolean;
  /** Longest input accepted: `max_position_embeddings` (× factor under dynamic rope scaling). */
  readonly maxPositions: number;
  readonly rope: RopeSettings;
  readonly tieWordEmbeddings: boolean;
  /** Biases on q/k/v projections (Qwen2, or `attention_bias`). */
  readonly qkvBias: boolean;
  /** Bias on o_proj (`attention_bias` for Llama, Qwen3, Gemma). */
  readonly outputBias: boolean;
  readonly mlpBias: boolean;
  /** Qwen3's per-head RMSNorm of queries and keys before rotary. */
  readonly qkNorm: boolean;
  /** `ACT2FN` name of the gate activation (`silu`, `gelu_pytorch_tanh`). */
  readonly activation: string;
  /** Input embeddings are multiplied by this (√hidden for Gemma, else 1). */
  readonly embedScale: number;
  /** Attention score scale (`query_pre_attn_scalar^-½` for Gemma 2, else `headDim^-½`). */
  readonly attentionScale: number;
  readonly attnLogitSoftcap?: number;
  readonly finalLogitSoftcap?: number;
  /** Gemma 2's extra norms after attention and around the MLP. */
  readonly sandwichNorms: boolean;
  /** Sliding window of each layer (`undefined`: full causal attention). */
  readonly layerWindows: readonly (number | undefined)[];
  readonly bosTokenId?: number;
  /** `eos_token_id`: one id or several (Llama 3 instruct lists three). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId?: number;
}

const CLASS_NAMES: Record<LlamaFamilyType, string> = {
  llama: "LlamaForCausalLM",
  mistral: "MistralForCausalLM",
  qwen2: "Qwen2ForCausalLM",
  qwen3: "Qwen3ForCausalLM",
  gemma: "GemmaForCausalLM",
  gemma2: "Gemma2ForCausalLM",
};

function optionalNumber(json: Readonly<Record<string, unknown>>, key: string, modelType: string): number | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw inseqError("MALFORMED_FILE", `config.json (model_type "${modelType}"): "${key}" must be a positive number or null, got ${JSON.stringify(v)}. Fix config.json or re-download the model.`);
  }
  return v;
}

/** A positive number under `key`; `fallback` when the key is absent, `undefined` when it is null (feature off). */
function numberOrOff(json: Readonly<Record<string, unknown>>, key: string, modelType: string, fallback: number | undefined): number | undefined {
  return json[key] === undefined ? fallback : optionalNumber(json, key, modelType);
}

function eosIds(json: Readonly<Record<string, unknown>>, f: ConfigFields, modelType: string): number[] {
  const v = json.eos_token_id;
  if (!Array.isArray(v)) {
    const id = f.tokenId("eos_token_id");
    return id === undefined ? [] : [id];
  }
  if (!v.every((id) => typeof id === "number" && Number.isSafeInteger(id) && id >= 0)) {
    throw inseqError("MALFORMED_FILE", `config.json (model_type "${modelType}"): "eos_token_id" must be a token id or a list of token ids, got ${JSON.stringify(v)}. Fix config.json or re-download the model.`);
  }
  return v as number[];
}

/**
 * Per-layer sliding windows: `layer_types` when the config lists them (transformers ≥ 4.53), else each family's
 * rule — Mistral: every layer; Gemma 2: even layers; Qwen2/3 with `use_sliding_window`: layers ≥ `max_window_layers`.
 */
function layerWindows(json: Readonly<Record<string, unknown>>, modelType: LlamaFamilyType, numLayers: number): (number | undefined)[] {
  // Hugging Face's config classes default sliding_window to 4096 for these families (null turns it off).
  const window = numberOrOff(json, "sliding_window", modelType, modelType === "llama" || modelType === "gemma" ? undefined : 4096);
  const none = new Array<number | undefined>(numLayers).fill(undefined);
  if (window === undefined) return none;
  const types = json.layer_types;
  if (Array.isArray(types) && types.length === numLayers) return types.map((t) => (t === "sliding_attention" ? window : undefined));
  switch (modelType) {
    case "mistral":
      return none.map(() => window);
    case "gemma2":
      return none.map((_, i) => (i % 2 === 0 ? window : undefined));
    case "qwen2":
    case "qwen3": {
      if (json.use_sliding_window !== true) return none;
      const from = typeof json.max_window_layers === "number" ? json.max_window_layers : numLayers;
      return none.map((_, i) => (i >= from ? window : undefined));
    }
    default:
      return none;
  }
}

/** Validates a Llama-family `config.json`; `MALFORMED_FILE` naming the field on bad values. */
export function parseLlamaConfig(json: Readonly<Record<string, unknown>>, modelType: LlamaFamilyType): LlamaConfig {
  const f = new ConfigFields(json, modelType);
  const gemma = modelType === "gemma" || modelType === "gemma2";
  const hiddenSize = f.positiveInt("hidden_size");
  const numHeads = f.positiveInt("num_attention_heads");
  const numKvHeads = f.positiveInt("num_key_value_heads", numHeads);
  if (numHeads % numKvHeads !== 0) f.divisible("num_attention_heads", numHeads, "num_key_value_heads", numKvHeads);
  if (json.head_dim === undefined || json.head_dim === null) f.divisible("hidden_size", hiddenSize, "num_attention_heads", numHeads);
  const headDim = f.positiveInt("head_dim", hiddenSize / numHeads);
  const numLayers = f.positiveInt("num_hidden_layers");
  const maxPositionEmbeddings = f.positiveInt("max_position_embeddings", 2048);
  const rope = parseRopeSettings(json, modelType, headDim, maxPositionEmbeddings);
  const attentionBias = f.bool("attention_bias", false);
  const gemma2 = modelType === "gemma2";
  return {
    modelType,
    architecture: f.architecture(CLASS_NAMES[modelType]),
    vocabSize: f.positiveInt("vocab_size"),
    hiddenSize,
    intermediateSize: f.positiveInt("intermediate_size"),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: f.positiveNumber("rms_norm_eps", 1e-6),
    normAddsOne: gemma,
    maxPositions: rope.scaling?.type === "dynamic" ? Math.floor(maxPositionEmbeddings * rope.scaling.factor) : maxPositionEmbeddings,
    rope,
    tieWordEmbeddings: f.bool("tie_word_embeddings", gemma),
    qkvBias: modelType === "qwen2" || (modelType !== "mistral" && attentionBias),
    outputBias: modelType !== "qwen2" && modelType !== "mistral" && attentionBias,
    mlpBias: modelType === "llama" && f.bool("mlp_bias", false),
    qkNorm: modelType === "qwen3",
    // Gemma's own configs say hidden_act "gelu" but Hugging Face runs hidden_activation (GELU-tanh by default).
    activation: gemma ? f.string("hidden_activation", "gelu_pytorch_tanh") : f.string("hidden_act", "silu"),
    embedScale: gemma ? Math.sqrt(hiddenSize) : 1,
    attentionScale: gemma2 ? f.positiveNumber("query_pre_attn_scalar", 256) ** -0.5 : headDim ** -0.5,
    attnLogitSoftcap: gemma2 ? numberOrOff(json, "attn_logit_softcapping", modelType, 50) : undefined,
    finalLogitSoftcap: gemma2 ? numberOrOff(json, "final_logit_softcapping", modelType, 30) : undefined,
    sandwichNorms: gemma2,
    layerWindows: layerWindows(json, modelType, numLayers),
    bosTokenId: f.tokenId("bos_token_id"),
    eosTokenIds: eosIds(json, f, modelType),
    padTokenId: f.tokenId("pad_token_id"),
  };
}
