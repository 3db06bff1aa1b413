import { ConfigFields, MAX_SINUSOIDAL_POSITIONS } from "./ConfigFields.js";

/** The `model_type`s of the BART family implemented on TF.js. */
export type BartFamilyType = "bart" | "mbart" | "m2m_100";

/**
 * The fields of a BART, mBART or M2M-100 `config.json` that the TF.js implementation uses. The three share one
 * encoder-decoder layout and differ in positions (learned with offset 2 vs. sinusoidal from the padding mask),
 * layer-norm placement (post-LN vs. pre-LN with final layer norms) and the embedding layer norm.
 */
export interface BartConfig {
  readonly modelType: BartFamilyType;
  /** `architectures[0]`, e.g. `BartForConditionalGeneration`. */
  readonly architecture: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  readonly encoderHeads: number;
  readonly decoderHeads: number;
  readonly encoderFfnSize: number;
  readonly decoderFfnSize: number;
  readonly maxPositions: number;
  /** Embeddings × √d_model when true. */
  readonly scaleEmbedding: boolean;
  readonly activation: string;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  /** Also the `padding_idx` of M2M-100's sinusoidal positions. */
  readonly padTokenId: number;
  readonly decoderStartTokenId: number;
  /** Token HF generation forces at decoder position 1 (`<s>` for BART, the target language for M2M / mBART-50). */
  readonly forcedBosTokenId?: number;
}

const DEFAULT_CLASS: Readonly<Record<BartFamilyType, string>> = {
  bart: "BartForConditionalGeneration",
  mbart: "MBartForConditionalGeneration",
  m2m_100: "M2M100ForConditionalGeneration",
};

/**
 * Validates a BART / mBART / M2M-100 `config.json`; `MALFORMED_FILE` naming the field on bad values. Defaults are
 * those of Hugging Face's `BartConfig`, `MBartConfig` and `M2M100Config`.
 */
export function parseBartConfig(json: Readonly<Record<string, unknown>>, modelType: BartFamilyType): BartConfig {
  const f = new ConfigFields(json, modelType);
  const m2m = modelType === "m2m_100";
  const hiddenSize = f.positiveInt("d_model", 1024);
  const encoderHeads = f.positiveInt("encoder_attention_heads", 16);
  const decoderHeads = f.positiveInt("decoder_attention_heads", 16);
  f.divisible("d_model", hiddenSize, "encoder_attention_heads", encoderHeads);
  f.divisible("d_model", hiddenSize, "decoder_attention_heads", decoderHeads);
  const vocabSize = f.positiveInt("vocab_size");
  const maxPositions = f.positiveInt("max_position_embeddings", 1024, MAX_SINUSOIDAL_POSITIONS);
  const padTokenId = f.tokenId("pad_token_id") ?? 1;
  if (m2m) {
    // M2M-100 computes its sinusoidal table ((pad_token_id + 1 + positions) × d_model) before reading any weight
    if (padTokenId >= vocabSize) f.tokenIdBelow("pad_token_id", vocabSize);
    f.computedTable("max_position_embeddings", padTokenId + 1 + maxPositions, "d_model", hiddenSize);
  }
  return {
    modelType,
    architecture: f.architecture(DEFAULT_CLASS[modelType]),
    vocabSize,
    hiddenSize,
    encoderLayers: f.positiveInt("encoder_layers", 12),
    decoderLayers: f.positiveInt("decoder_layers", 12),
    encoderHeads,
    decoderHeads,
    encoderFfnSize: f.positiveInt("encoder_ffn_dim", 4096),
    decoderFfnSize: f.positiveInt("decoder_ffn_dim", 4096),
    maxPositions,
    scaleEmbedding: f.bool("scale_embedding", m2m),
    activation: f.string("activation_function", m2m ? "relu" : "gelu"),
    tieWordEmbeddings: f.bool("tie_word_embeddings", true),
    bosTokenId: f.tokenId("bos_token_id") ?? 0,
    eosTokenId: f.tokenId("eos_token_id") ?? 2,
    padTokenId,
    decoderStartTokenId: f.tokenId("decoder_start_token_id") ?? 2,
    forcedBosTokenId: f.tokenId("forced_bos_token_id"),
  };
}
