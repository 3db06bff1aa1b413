import type { MarianSizes } from "./marianTrainer.js";
import { TRANSLATE_SPECIALS, translateVocab } from "./translationTask.js";
import type { ModelFolderFiles } from "./writeModelFolder.js";
import { wordLevelTokenizerJson } from "./wordLevelTokenizerJson.js";

/** The Hugging Face files of tiny-translate (Marian layout, as models/tiny-marian). */
export function translateModelFiles(sizes: MarianSizes, weights: Uint8Array, extra: Readonly<Record<string, string>>): ModelFolderFiles {
  const vocab = translateVocab();
  const pad = vocab.indexOf(TRANSLATE_SPECIALS.pad);
  return {
    config: {
      architectures: ["MarianMTModel"],
      model_type: "marian",
      activation_dropout: 0.0,
      activation_function: "swish",
      attention_dropout: 0.0,
      dropout: 0.0,
      bos_token_id: 0,
      eos_token_id: 0,
      forced_eos_token_id: 0,
      pad_token_id: pad,
      decoder_start_token_id: pad,
      d_model: sizes.hidden,
      encoder_layers: sizes.encoderLayers,
      decoder_layers: sizes.decoderLayers,
      encoder_attention_heads: sizes.heads,
      decoder_attention_heads: sizes.heads,
      encoder_ffn_dim: sizes.ffn,
      decoder_ffn_dim: sizes.ffn,
      encoder_layerdrop: 0.0,
      decoder_layerdrop: 0.0,
      init_std: 0.02,
      is_encoder_decoder: true,
      max_position_embeddings: sizes.positions,
      num_hidden_layers: sizes.encoderLayers,
      scale_embedding: true,
      share_encoder_decoder_embeddings: true,
      static_position_embeddings: true,
      tie_word_embeddings: true,
      use_cache: true,
      vocab_size: sizes.vocabSize,
      decoder_vocab_size: sizes.vocabSize,
      torch_dtype: "float32",
    },
    generationConfig: { bos_token_id: 0, eos_token_id: 0, pad_token_id: pad, decoder_start_token_id: pad, forced_eos_token_id: 0, max_length: sizes.positions, num_beams: 1, do_sample: false },
    tokenizer: wordLevelTokenizerJson(vocab, { specialTokens: [TRANSLATE_SPECIALS.eos, TRANSLATE_SPECIALS.unk, TRANSLATE_SPECIALS.pad], appendToken: TRANSLATE_SPECIALS.eos }),
    tokenizerConfig: {
      tokenizer_class: "PreTrainedTokenizerFast",
      eos_token: TRANSLATE_SPECIALS.eos,
      unk_token: TRANSLATE_SPECIALS.unk,
      pad_token: TRANSLATE_SPECIALS.pad,
      model_max_length: sizes.positions,
      clean_up_tokenization_spaces: false,
    },
    specialTokensMap: { eos_token: TRANSLATE_SPECIALS.eos, unk_token: TRANSLATE_SPECIALS.unk, pad_token: TRANSLATE_SPECIALS.pad },
    weights,
    extra,
  };
}
