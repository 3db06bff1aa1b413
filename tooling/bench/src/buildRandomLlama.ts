import { bytesOf, encodeSafetensorsBytes, toBf16 } from "./bf16.js";
import type { RawSafetensor } from "./bf16.js";
import { benchTokenizerConfig, benchTokenizerJson } from "./buildRandomGpt2.js";
import type { ModelFolderFiles } from "./buildRandomGpt2.js";
import type { LlamaShape } from "./llamaShape.js";
import { mulberry32, randomNormal } from "./randomNormal.js";

/** The random weights' standard deviation: weights ~ N(0, 0.02²), RMSNorm weights 1. */
const INIT_STD = 0.02;

/**
 * `config.json` of a Llama of `shape`, field for field HuggingFaceTB/SmolLM2-135M's (bos = eos = 0, no biases,
 * tied embeddings, `torch_dtype` bfloat16), `initializer_range` saying how the random weights were drawn.
 */
export function llamaConfig(shape: LlamaShape): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: 0,
    eos_token_id: 0,
    head_dim: shape.headDim,
    hidden_act: "silu",
    hidden_size: shape.hiddenSize,
    initializer_range: INIT_STD,
    intermediate_size: shape.intermediateSize,
    is_llama_config: true,
    max_position_embeddings: shape.maxPositions,
    mlp_bias: false,
    model_type: "llama",
    num_attention_heads: shape.numHeads,
    num_hidden_layers: shape.numLayers,
    num_key_value_heads: shape.numKvHeads,
    pretraining_tp: 1,
    rms_norm_eps: shape.rmsNormEps,
    rope_interleaved: false,
    rope_scaling: null,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: true,
    torch_dtype: "bfloat16",
    use_cache: true,
    vocab_size: shape.vocabSize,
  };
}

/**
 * Random Llama parameters in Hugging Face names (`model.layers.0.self_attn.q_proj.weight`, `nn.Linear` `(out, in)`
 * layout, no `lm_head.weight`: tied), drawn tensor by tensor from one seeded stream and stored as BF16 at once (so
 * the float32 copy of only one tensor is alive at a time).
 */
function parameters(shape: LlamaShape, seed: number): Record<string, RawSafetensor> {
  const uniform = mulberry32(seed);
  const H = shape.hiddenSize;
  const tensors: Record<string, RawSafetensor> = {};
  const bf16 = (name: string, dims: number[], data: Float32Array) => (tensors[name] = { dtype: "BF16", shape: dims, bytes: bytesOf(toBf16(data)) });
  const normal = (name: string, dims: number[]) => bf16(name, dims, randomNormal(dims.reduce((a, b) => a * b, 1), INIT_STD, uniform));
  const ones = (name: string) => bf16(name, [H], new Float32Array(H).fill(1));
  const q = shape.numHeads * shape.headDim;
  const kv = shape.numKvHeads * shape.headDim;
  normal("model.embed_tokens.weight", [shape.vocabSize, H]);
  for (let i = 0; i < shape.numLayers; i++) {
    const p = `model.layers.${i}`;
    ones(`${p}.input_layernorm.weight`);
    normal(`${p}.self_attn.q_proj.weight`, [q, H]);
    normal(`${p}.self_attn.k_proj.weight`, [kv, H]);
    normal(`${p}.self_attn.v_proj.weight`, [kv, H]);
    normal(`${p}.self_attn.o_proj.weight`, [H, q]);
    ones(`${p}.post_attention_layernorm.weight`);
    normal(`${p}.mlp.gate_proj.weight`, [shape.intermediateSize, H]);
    normal(`${p}.mlp.up_proj.weight`, [shape.intermediateSize, H]);
    normal(`${p}.mlp.down_proj.weight`, [H, shape.intermediateSize]);
  }
  ones("model.norm.weight");
  return tensors;
}

/**
 * A random-weight Llama of `shape` in Hugging Face layout — `config.json`, `model.safetensors` (BF16, metadata
 * `format: pt`), a word-level `tokenizer.json` over the bench vocabulary and `tokenizer_config.json` — deterministic
 * in `seed`.
 */
export function buildRandomLlama(shape: LlamaShape, seed: number): ModelFolderFiles {
  return {
    "config.json": JSON.stringify(llamaConfig(shape), null, 2),
    "tokenizer.json": benchTokenizerJson(shape.vocabSize),
    "tokenizer_config.json": benchTokenizerConfig(),
    "model.safetensors": encodeSafetensorsBytes(parameters(shape, seed), { format: "pt" }),
  };
}
