import * as tf from "@tensorflow/tfjs-core";
import type { LinearParams } from "../../nn/params.js";
import type { ParameterStore } from "../../weights/ParameterStore.js";
import type { LlamaConfig } from "./llamaConfig.js";

/** An RMSNorm's effective weight (Gemma's `1 + w` already added) and epsilon. */
export interface RmsNormParams {
  readonly weight: tf.Tensor1D;
  readonly eps: number;
}

/** One decoder layer's parameters. */
export interface LlamaLayerWeights {
  readonly q: LinearParams;
  readonly k: LinearParams;
  readonly v: LinearParams;
  readonly o: LinearParams;
  readonly qNorm?: RmsNormParams;
  readonly kNorm?: RmsNormParams;
  readonly gate: LinearParams;
  readonly up: LinearParams;
  readonly down: LinearParams;
  readonly inputNorm: RmsNormParams;
  readonly postAttentionNorm: RmsNormParams;
  readonly preFeedforwardNorm?: RmsNormParams;
  readonly postFeedforwardNorm?: RmsNormParams;
}

/** A Llama-family model's parameters in compute layout (`nn.Linear` weights transposed once to `(in, out)`). */
export interface LlamaWeights {
  /** `(vocab, hidden)` token embeddings. */
  readonly embedTokens: tf.Tensor2D;
  readonly layers: readonly LlamaLayerWeights[];
  readonly norm: RmsNormParams;
  /** `(vocab, hidden)` output embeddings: the same tensor as `embedTokens` when tied. */
  readonly lmHead: tf.Tensor2D;
}

/**
 * Loads a Llama-family checkpoint (names as Hugging Face saves `*ForCausalLM`, with or without the `model.` prefix).
 * BF16 / F16 tensors arrive as float32; with tied embeddings the LM head is the embedding table.
 */
export function loadLlamaWeights(store: ParameterStore, c: LlamaConfig): LlamaWeights {
  const H = c.hiddenSize;
  const names = (name: string) => [`model.${name}`, name];
  const linear = (name: string, inDim: number, outDim: number, bias: boolean): LinearParams => ({
    weight: store.get(names(`${name}.weight`), [inDim, outDim], "transposed"),
    bias: bias ? store.get(names(`${name}.bias`), [outDim]) : undefined,
  });
  const rms = (name: string, size = H): RmsNormParams => {
    const weight = store.get<tf.Rank.R1>(names(`${name}.weight`), [size]);
    return { weight: c.normAddsOne ? store.own(`${name}+1`, tf.tidy(() => tf.add(weight, 1) as tf.Tensor1D)) : weight, eps: c.rmsNormEps };
  };
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  const embedTokens = store.get<tf.Rank.R2>(names("embed_tokens.weight"), [c.vocabSize, H]);
  const layers = Array.from({ length: c.numLayers }, (_, i): LlamaLayerWeights => {
    const p = `layers.${i}`;
    return {
      q: linear(`${p}.self_attn.q_proj`, H, qDim, c.qkvBias),
      k: linear(`${p}.self_attn.k_proj`, H, kvDim, c.qkvBias),
      v: linear(`${p}.self_attn.v_proj`, H, kvDim, c.qkvBias),
      o: linear(`${p}.self_attn.o_proj`, qDim, H, c.outputBias),
      qNorm: c.qkNorm ? rms(`${p}.self_attn.q_norm`, c.headDim) : undefined,
      kNorm: c.qkNorm ? rms(`${p}.self_attn.k_norm`, c.headDim) : undefined,
      gate: linear(`${p}.mlp.gate_proj`, H, c.intermediateSize, c.mlpBias),
      up: linear(`${p}.mlp.up_proj`, H, c.intermediateSize, c.mlpBias),
      down: linear(`${p}.mlp.down_proj`, c.intermediateSize, H, c.mlpBias),
      inputNorm: rms(`${p}.input_layernorm`),
      postAttentionNorm: rms(`${p}.post_attention_layernorm`),
      preFeedforwardNorm: c.sandwichNorms ? rms(`${p}.pre_feedforward_layernorm`) : undefined,
      postFeedforwardNorm: c.sandwichNorms ? rms(`${p}.post_feedforward_layernorm`) : undefined,
    };
  });
  return {
    embedTokens,
    layers,
    norm: rms("norm"),
    lmHead: c.tieWordEmbeddings ? embedTokens : store.get("lm_head.weight", [c.vocabSize, H]),
  };
}
