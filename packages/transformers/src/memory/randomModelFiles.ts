import { encodeSafetensors } from "@inseqjs/core";
import type { SafetensorsInput } from "@inseqjs/core";

/** Shape of a random-weight Llama built by {@link randomLlamaFiles}. */
export interface RandomLlamaShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly maxPositions: number;
}

/** Shape of a random-weight GPT-2 built by {@link randomGpt2Files}. */
export interface RandomGpt2Shape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly maxPositions: number;
  /** MLP width (`n_inner`); default 4 × hidden. */
  readonly innerSize?: number;
}

/** SmolLM2-135M's shape (the model of issue 14). */
export const SMOLLM2_135M_SHAPE: RandomLlamaShape = {
  vocabSize: 49152, hiddenSize: 576, intermediateSize: 1536, numLayers: 30, numHeads: 9, numKvHeads: 3, maxPositions: 8192,
};

/** Seeded uniform generator (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Collects random F32 parameters: weights ~ U(−0.035, 0.035) (std 0.02), norms 1, biases 0. */
function parameterBag(seed: number) {
  const next = uniform(seed);
  const tensors: Record<string, SafetensorsInput> = {};
  return {
    tensors,
    random(name: string, shape: number[]) {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * 0.0346;
      tensors[name] = { dtype: "F32", shape, data };
    },
    fill(name: string, n: number, value: number) {
      tensors[name] = { dtype: "F32", shape: [n], data: new Float32Array(n).fill(value) };
    },
  };
}

/** A word-level `tokenizer.json`: `<unk> <s> </s>` then `w3 w4 …`, split on whitespace. */
function wordTokenizer(vocabSize: number): string {
  const words = ["<unk>", "<s>", "</s>", ...Array.from({ length: vocabSize - 3 }, (_, i) => `w${i + 3}`)];
  const vocab = Object.fromEntries(words.map((w, id) => [w, id]));
  const added = words.slice(0, 3).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return JSON.stringify({
    version: "1.0", truncation: null, padding: null, added_tokens: added, normalizer: null,
    pre_tokenizer: { type: "WhitespaceSplit" }, post_processor: null,
    decoder: { type: "WordPiece", prefix: "##", cleanup: false },
    model: { type: "WordLevel", vocab, unk_token: "<unk>" },
  });
}

const TOKENIZER_CONFIG = JSON.stringify({ tokenizer_class: "PreTrainedTokenizerFast", bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>", add_bos_token: false });

/**
 * The files of a random-weight `LlamaForCausalLM` (tied embeddings, SiLU, no biases) in Hugging Face layout: for
 * memory measurements and tests that need a model of a given shape. Prompts are words `w3 w4 …` (ids 3, 4, …).
 */
export function randomLlamaFiles(shape: RandomLlamaShape, seed = 1): Record<string, string | Uint8Array> {
  const { hiddenSize: H, intermediateSize: I, numHeads, numKvHeads } = shape;
  const headDim = H / numHeads;
  const p = parameterBag(seed);
  p.random("model.embed_tokens.weight", [shape.vocabSize, H]);
  for (let i = 0; i < shape.numLayers; i++) {
    const l = `model.layers.${i}`;
    p.random(`${l}.self_attn.q_proj.weight`, [numHeads * headDim, H]);
    p.random(`${l}.self_attn.k_proj.weight`, [numKvHeads * headDim, H]);
    p.random(`${l}.self_attn.v_proj.weight`, [numKvHeads * headDim, H]);
    p.random(`${l}.self_attn.o_proj.weight`, [H, numHeads * headDim]);
    p.random(`${l}.mlp.gate_proj.weight`, [I, H]);
    p.random(`${l}.mlp.up_proj.weight`, [I, H]);
    p.random(`${l}.mlp.down_proj.weight`, [H, I]);
    p.fill(`${l}.input_layernorm.weight`, H, 1);
    p.fill(`${l}.post_attention_layernorm.weight`, H, 1);
  }
  p.fill("model.norm.weight", H, 1);
  const config = {
    architectures: ["LlamaForCausalLM"], model_type: "llama", vocab_size: shape.vocabSize, hidden_size: H, intermediate_size: I,
    num_hidden_layers: shape.numLayers, num_attention_heads: numHeads, num_key_value_heads: numKvHeads,
    max_position_embeddings: shape.maxPositions, rms_norm_eps: 1e-5, rope_theta: 100000, hidden_act: "silu",
    tie_word_embeddings: true, bos_token_id: 1, eos_token_id: 2, pad_token_id: 2, torch_dtype: "float32",
  };
  return { "config.json": JSON.stringify(config), "model.safetensors": encodeSafetensors(p.tensors), "tokenizer.json": wordTokenizer(shape.vocabSize), "tokenizer_config.json": TOKENIZER_CONFIG };
}

/** The files of a random-weight `GPT2LMHeadModel` (tied embeddings, `gelu_new`, MLP 4 × hidden). */
export function randomGpt2Files(shape: RandomGpt2Shape, seed = 1): Record<string, string | Uint8Array> {
  const H = shape.hiddenSize;
  const inner = shape.innerSize ?? 4 * H;
  const p = parameterBag(seed);
  p.random("transformer.wte.weight", [shape.vocabSize, H]);
  p.random("transformer.wpe.weight", [shape.maxPositions, H]);
  const layerNorm = (name: string) => { p.fill(`${name}.weight`, H, 1); p.fill(`${name}.bias`, H, 0); };
  for (let i = 0; i < shape.numLayers; i++) {
    const l = `transformer.h.${i}`;
    layerNorm(`${l}.ln_1`);
    p.random(`${l}.attn.c_attn.weight`, [H, 3 * H]);
    p.fill(`${l}.attn.c_attn.bias`, 3 * H, 0);
    p.random(`${l}.attn.c_proj.weight`, [H, H]);
    p.fill(`${l}.attn.c_proj.bias`, H, 0);
    layerNorm(`${l}.ln_2`);
    p.random(`${l}.mlp.c_fc.weight`, [H, inner]);
    p.fill(`${l}.mlp.c_fc.bias`, inner, 0);
    p.random(`${l}.mlp.c_proj.weight`, [inner, H]);
    p.fill(`${l}.mlp.c_proj.bias`, H, 0);
  }
  layerNorm("transformer.ln_f");
  const config = {
    architectures: ["GPT2LMHeadModel"], model_type: "gpt2", activation_function: "gelu_new", vocab_size: shape.vocabSize,
    n_embd: H, n_inner: inner, n_head: shape.numHeads, n_layer: shape.numLayers, n_positions: shape.maxPositions, n_ctx: shape.maxPositions,
    layer_norm_epsilon: 1e-5, scale_attn_weights: true, tie_word_embeddings: true, bos_token_id: 1, eos_token_id: 2, torch_dtype: "float32",
  };
  return { "config.json": JSON.stringify(config), "model.safetensors": encodeSafetensors(p.tensors), "tokenizer.json": wordTokenizer(shape.vocabSize), "tokenizer_config.json": TOKENIZER_CONFIG };
}
