import { ConfigFields, MAX_SINUSOIDAL_POSITIONS } from "./ConfigFields.js";

/** The fields of a Marian `config.json` (`model_type` `marian`) that the TF.js implementation uses. */
export interface MarianConfig {
  readonly modelType: "marian";
  /** `architectures[0]`, e.g. `MarianMTModel`. */
  readonly architecture: string;
  readonly vocabSize: number;
  readonly decoderVocabSize: number;
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
  readonly shareEncoderDecoderEmbeddings: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
  readonly decoderStartTokenId?: number;
}

/** Validates a Marian `config.json`; `MALFORMED_FILE` naming the field on bad values. Defaults are `MarianConfig`'s. */
export function parseMarianConfig(json: Readonly<Record<string, unknown>>): MarianConfig {
  const f = new ConfigFields(json, "marian");
  const hiddenSize = f.positiveInt("d_model", 1024);
  const encoderHeads = f.positiveInt("encoder_attention_heads", 16);
  const decoderHeads = f.positiveInt("decoder_attention_heads", 16);
  f.divisible("d_model", hiddenSize, "encoder_attention_heads", encoderHeads);
  f.divisible("d_model", hiddenSize, "decoder_attention_heads", decoderHeads);
  const vocabSize = f.positiveInt("vocab_size");
  const shareEncoderDecoderEmbeddings = f.bool("share_encoder_decoder_embeddings", true);
  const maxPositions = f.positiveInt("max_position_embeddings", 1024, MAX_SINUSOIDAL_POSITIONS);
  f.computedTable("max_position_embeddings", maxPositions, "d_model", hiddenSize);
  return {
    modelType: "marian",
    architecture: f.architecture("MarianMTModel"),
    vocabSize,
    // Hugging Face's MarianMTModel: with shared embeddings the target vocabulary is vocab_size, whatever decoder_vocab_size says
    decoderVocabSize: shareEncoderDecoderEmbeddings ? vocabSize : f.positiveInt("decoder_vocab_size", vocabSize),
    hiddenSize,
    encoderLayers: f.positiveInt("encoder_layers", 12),
    decoderLayers: f.positiveInt("decoder_layers", 12),
    encoderHeads,
    decoderHeads,
    encoderFfnSize: f.positiveInt("encoder_ffn_dim", 4096),
    decoderFfnSize: f.positiveInt("decoder_ffn_dim", 4096),
    // the sinusoidal table (positions × d_model) is computed from these two: bounded, not read from the checkpoint
    maxPositions,
    scaleEmbedding: f.bool("scale_embedding", false),
    activation: f.string("activation_function", "gelu"),
    shareEncoderDecoderEmbeddings,
    tieWordEmbeddings: f.bool("tie_word_embeddings", true),
    eosTokenId: f.tokenId("eos_token_id"),
    padTokenId: f.tokenId("pad_token_id"),
    decoderStartTokenId: f.tokenId("decoder_start_token_id"),
  };
}
