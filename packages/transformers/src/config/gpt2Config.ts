import { ConfigFields } from "./ConfigFields.js";

/** The fields of a GPT-2 `config.json` (`model_type` `gpt2`) that the TF.js implementation uses. */
export interface Gpt2Config {
  readonly modelType: "gpt2";
  /** `architectures[0]`, e.g. `GPT2LMHeadModel`. */
  readonly architecture: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly maxPositions: number;
  /** MLP width (`n_inner`, default 4 × hidden). */
  readonly innerSize: number;
  readonly layerNormEpsilon: number;
  readonly activation: string;
  readonly scaleAttnWeights: boolean;
  readonly scaleAttnByInverseLayerIdx: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
}

/** Validates a GPT-2 `config.json`; `MALFORMED_FILE` naming the field on bad values. */
export function parseGpt2Config(json: Readonly<Record<string, unknown>>): Gpt2Config {
  const f = new ConfigFields(json, "gpt2");
  const hiddenSize = f.positiveInt("n_embd");
  const numHeads = f.positiveInt("n_head");
  f.divisible("n_embd", hiddenSize, "n_head", numHeads);
  return {
    modelType: "gpt2",
    architecture: f.architecture("GPT2LMHeadModel"),
    vocabSize: f.positiveInt("vocab_size"),
    hiddenSize,
    numLayers: f.positiveInt("n_layer"),
    numHeads,
    maxPositions: f.positiveInt("n_positions", f.positiveInt("n_ctx", 1024)),
    innerSize: f.positiveInt("n_inner", 4 * hiddenSize),
    layerNormEpsilon: f.positiveNumber("layer_norm_epsilon", 1e-5),
    activation: f.string("activation_function", "gelu_new"),
    scaleAttnWeights: f.bool("scale_attn_weights", true),
    scaleAttnByInverseLayerIdx: f.bool("scale_attn_by_inverse_layer_idx", false),
    tieWordEmbeddings: f.bool("tie_word_embeddings", true),
    bosTokenId: f.tokenId("bos_token_id"),
    eosTokenId: f.tokenId("eos_token_id"),
    padTokenId: f.tokenId("pad_token_id"),
  };
}
