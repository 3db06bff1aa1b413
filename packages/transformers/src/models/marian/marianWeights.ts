import * as tf from "@tensorflow/tfjs-core";
import type { MarianConfig } from "../../config/marianConfig.js";
import type { LayerNormParams, LinearParams } from "../../nn/params.js";
import type { ParameterStore } from "../../weights/ParameterStore.js";
import { sinusoidalPositions } from "../../weights/sinusoidalPositions.js";

/** One attention module's projections. */
export interface MarianAttentionWeights {
  readonly q: LinearParams;
  readonly k: LinearParams;
  readonly v: LinearParams;
  readonly out: LinearParams;
}

/** One encoder layer (`decoder` layers add the cross-attention). */
export interface MarianLayerWeights {
  readonly selfAttn: MarianAttentionWeights;
  readonly selfAttnLn: LayerNormParams;
  readonly crossAttn?: MarianAttentionWeights;
  readonly crossAttnLn?: LayerNormParams;
  readonly fc1: LinearParams;
  readonly fc2: LinearParams;
  readonly finalLn: LayerNormParams;
}

/** Marian's parameters in compute layout (`nn.Linear` weights transposed once to `(in, out)`). */
export interface MarianWeights {
  /** `(vocab, hidden)` encoder token embeddings (`model.shared` when shared). */
  readonly encoderEmbed: tf.Tensor2D;
  /** `(decoderVocab, hidden)` decoder token embeddings (the same tensor when shared). */
  readonly decoderEmbed: tf.Tensor2D;
  /** `(maxPositions, hidden)` sinusoidal position table (computed, not read). */
  readonly positions: tf.Tensor2D;
  readonly encoder: readonly MarianLayerWeights[];
  readonly decoder: readonly MarianLayerWeights[];
  /** `(decoderVocab, hidden)` output embeddings, tied to the decoder embeddings. */
  readonly lmHead: tf.Tensor2D;
  readonly finalLogitsBias: tf.Tensor1D;
}

const LN_EPS = 1e-5;

/** Loads Marian's parameters: shared / tied embeddings once, linear weights transposed once, positions computed. */
export function loadMarianWeights(store: ParameterStore, c: MarianConfig): MarianWeights {
  const H = c.hiddenSize;
  const linear = (name: string, inDim: number, outDim: number): LinearParams => ({
    weight: store.get(`${name}.weight`, [inDim, outDim], "transposed"),
    bias: store.get(`${name}.bias`, [outDim]),
  });
  const ln = (name: string): LayerNormParams => ({ gamma: store.get(`${name}.weight`, [H]), beta: store.get(`${name}.bias`, [H]), eps: LN_EPS });
  const attention = (p: string): MarianAttentionWeights => ({ q: linear(`${p}.q_proj`, H, H), k: linear(`${p}.k_proj`, H, H), v: linear(`${p}.v_proj`, H, H), out: linear(`${p}.out_proj`, H, H) });
  const layer = (p: string, ffn: number, cross: boolean): MarianLayerWeights => ({
    selfAttn: attention(`${p}.self_attn`),
    selfAttnLn: ln(`${p}.self_attn_layer_norm`),
    crossAttn: cross ? attention(`${p}.encoder_attn`) : undefined,
    crossAttnLn: cross ? ln(`${p}.encoder_attn_layer_norm`) : undefined,
    fc1: linear(`${p}.fc1`, H, ffn),
    fc2: linear(`${p}.fc2`, ffn, H),
    finalLn: ln(`${p}.final_layer_norm`),
  });
  const shared = c.shareEncoderDecoderEmbeddings;
  const encoderEmbed = store.get<tf.Rank.R2>(shared ? ["model.shared.weight", "model.encoder.embed_tokens.weight"] : ["model.encoder.embed_tokens.weight", "model.shared.weight"], [c.vocabSize, H]);
  const decoderEmbed = shared ? encoderEmbed : store.get<tf.Rank.R2>("model.decoder.embed_tokens.weight", [c.decoderVocabSize, H]);
  const lmHead = c.tieWordEmbeddings ? decoderEmbed : store.get<tf.Rank.R2>("lm_head.weight", [c.decoderVocabSize, H]);
  const finalLogitsBias = store.find(["final_logits_bias"])
    ? store.get<tf.Rank.R1>("final_logits_bias", [c.decoderVocabSize])
    : store.own("final_logits_bias", tf.zeros([c.decoderVocabSize]) as tf.Tensor1D);
  return {
    encoderEmbed,
    decoderEmbed,
    positions: store.own("positions", tf.tensor2d(sinusoidalPositions(c.maxPositions, H), [c.maxPositions, H])),
    encoder: Array.from({ length: c.encoderLayers }, (_, i) => layer(`model.encoder.layers.${i}`, c.encoderFfnSize, false)),
    decoder: Array.from({ length: c.decoderLayers }, (_, i) => layer(`model.decoder.layers.${i}`, c.decoderFfnSize, true)),
    lmHead,
    finalLogitsBias,
  };
}
