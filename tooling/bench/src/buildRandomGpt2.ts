import { encodeSafetensors } from "@inseqjs/core";
import type { SafetensorsInput } from "@inseqjs/core";
import { benchVocabulary, SPECIAL_WORDS } from "./benchVocabulary.js";
import type { Gpt2Shape } from "./gpt2Shape.js";
import { mulberry32, randomNormal } from "./randomNormal.js";

/** The files of a Hugging Face model folder, by name. */
export type ModelFolderFiles = Record<string, string | Uint8Array>;

/** GPT-2's initialiser range: weights ~ N(0, 0.02²), biases 0, layer-norm gains 1. */
const INIT_STD = 0.02;

function configJson(shape: Gpt2Shape): string {
  return JSON.stringify(
    {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      activation_function: "gelu_new",
      attn_pdrop: 0,
      embd_pdrop: 0,
      resid_pdrop: 0,
      bos_token_id: 0,
      eos_token_id: 0,
      initializer_range: INIT_STD,
      layer_norm_epsilon: 1e-5,
      n_ctx: shape.nPositions,
      n_embd: shape.nEmbd,
      n_head: shape.nHead,
      n_inner: null,
      n_layer: shape.nLayer,
      n_positions: shape.nPositions,
      reorder_and_upcast_attn: false,
      scale_attn_by_inverse_layer_idx: false,
      scale_attn_weights: true,
      tie_word_embeddings: true,
      vocab_size: shape.vocabSize,
      torch_dtype: "float32",
    },
    null,
    2,
  );
}

/** A word-level `tokenizer.json` (Whitespace pre-tokenizer, unknown words → `<unk>`) over {@link benchVocabulary}. */
export function benchTokenizerJson(vocabSize: number): string {
  const vocab = Object.fromEntries(benchVocabulary(vocabSize).map((w, id) => [w, id]));
  const added = SPECIAL_WORDS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: "Whitespace" },
    post_processor: null,
    decoder: { type: "WordPiece", prefix: "##", cleanup: false },
    model: { type: "WordLevel", vocab, unk_token: "<unk>" },
  });
}

/** `tokenizer_config.json` of the bench models: bos = eos = `<|endoftext|>` (id 0), unk `<unk>` (id 1), no BOS added. */
export function benchTokenizerConfig(): string {
  return TOKENIZER_CONFIG;
}

const TOKENIZER_CONFIG = JSON.stringify({
  tokenizer_class: "PreTrainedTokenizerFast",
  bos_token: "<|endoftext|>",
  eos_token: "<|endoftext|>",
  unk_token: "<unk>",
  add_bos_token: false,
  add_prefix_space: false,
  clean_up_tokenization_spaces: false,
});

/** Random GPT-2 parameters in Hugging Face names (`transformer.h.0.attn.c_attn.weight`, Conv1D `(in, out)` layout). */
function parameters(shape: Gpt2Shape, seed: number): Record<string, SafetensorsInput> {
  const uniform = mulberry32(seed);
  const H = shape.nEmbd;
  const tensors: Record<string, SafetensorsInput> = {};
  const normal = (name: string, dims: number[]) => (tensors[name] = { dtype: "F32", shape: dims, data: randomNormal(dims.reduce((a, b) => a * b, 1), INIT_STD, uniform) });
  const filled = (name: string, n: number, v: number) => (tensors[name] = { dtype: "F32", shape: [n], data: new Float32Array(n).fill(v) });
  const layerNorm = (name: string) => {
    filled(`${name}.weight`, H, 1);
    filled(`${name}.bias`, H, 0);
  };
  normal("transformer.wte.weight", [shape.vocabSize, H]);
  normal("transformer.wpe.weight", [shape.nPositions, H]);
  for (let i = 0; i < shape.nLayer; i++) {
    const p = `transformer.h.${i}`;
    layerNorm(`${p}.ln_1`);
    normal(`${p}.attn.c_attn.weight`, [H, 3 * H]);
    filled(`${p}.attn.c_attn.bias`, 3 * H, 0);
    normal(`${p}.attn.c_proj.weight`, [H, H]);
    filled(`${p}.attn.c_proj.bias`, H, 0);
    layerNorm(`${p}.ln_2`);
    normal(`${p}.mlp.c_fc.weight`, [H, 4 * H]);
    filled(`${p}.mlp.c_fc.bias`, 4 * H, 0);
    normal(`${p}.mlp.c_proj.weight`, [4 * H, H]);
    filled(`${p}.mlp.c_proj.bias`, H, 0);
  }
  layerNorm("transformer.ln_f");
  return tensors;
}

/**
 * A random-weight GPT-2 of `shape` in Hugging Face layout — `config.json`, `model.safetensors` (through core's
 * `encodeSafetensors`), `tokenizer.json` (word level) and `tokenizer_config.json` — deterministic in `seed`.
 */
export function buildRandomGpt2(shape: Gpt2Shape, seed: number): ModelFolderFiles {
  return {
    "config.json": configJson(shape),
    "tokenizer.json": benchTokenizerJson(shape.vocabSize),
    "tokenizer_config.json": TOKENIZER_CONFIG,
    "model.safetensors": encodeSafetensors(parameters(shape, seed), { format: "pt" }),
  };
}
