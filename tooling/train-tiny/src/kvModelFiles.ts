import type { Gpt2Sizes } from "./gpt2Trainer.js";
import { KV_VOCAB } from "./kvTask.js";
import type { ModelFolderFiles } from "./writeModelFolder.js";
import { wordLevelTokenizerJson } from "./wordLevelTokenizerJson.js";

/** The Hugging Face files of tiny-kv (GPT-2 layout, as models/tiny-gpt2). */
export function kvModelFiles(sizes: Gpt2Sizes, weights: Uint8Array, extra: Readonly<Record<string, string>>): ModelFolderFiles {
  return {
    config: {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      activation_function: "gelu_new",
      attn_pdrop: 0.0,
      embd_pdrop: 0.0,
      resid_pdrop: 0.0,
      summary_first_dropout: 0.0,
      bos_token_id: 0,
      eos_token_id: 0,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      n_ctx: sizes.positions,
      n_embd: sizes.hidden,
      n_head: sizes.heads,
      n_inner: sizes.inner,
      n_layer: sizes.layers,
      n_positions: sizes.positions,
      reorder_and_upcast_attn: false,
      scale_attn_by_inverse_layer_idx: false,
      scale_attn_weights: true,
      tie_word_embeddings: true,
      use_cache: true,
      vocab_size: sizes.vocabSize,
      torch_dtype: "float32",
    },
    generationConfig: { bos_token_id: 0, eos_token_id: 0, do_sample: false, max_length: sizes.positions },
    tokenizer: wordLevelTokenizerJson(KV_VOCAB, { specialTokens: ["<|endoftext|>", "<unk>"] }),
    tokenizerConfig: {
      tokenizer_class: "PreTrainedTokenizerFast",
      bos_token: "<|endoftext|>",
      eos_token: "<|endoftext|>",
      unk_token: "<unk>",
      add_bos_token: false,
      add_prefix_space: false,
      model_max_length: sizes.positions,
      clean_up_tokenization_spaces: false,
    },
    specialTokensMap: { bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<unk>" },
    weights,
    extra,
  };
}
