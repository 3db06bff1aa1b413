import * as tf from "@tensorflow/tfjs-core";
import type { BartConfig } from "../../config/bartConfig.js";
import type { AttentionWeights, EncoderDecoderLayerWeights } from "../../nn/encoderDecoderLayer.js";
import type { LayerNormParams, LinearParams } from "../../nn/params.js";
import type { ParameterStore } from "../../weights/ParameterStore.js";
import { m2m100SinusoidalPositions } from "./m2m100Positions.js";

/** One stack (encoder or decoder): its position table, layers and optional layer norms. */
export interface BartStackWeights {
  /**
   * BART / mBART: the learned `(maxPositions + 2, hidden)` `embed_positions` table (ids offset by 2); M2M-100: the
   * computed sinusoidal table, rows `0..paddingIdx + maxPositions`.
   */
  readonly positions: tf.Tensor2D;
  readonly layers: readonly EncoderDecoderLayerWeights[];
  /** `layernorm_embedding` (BART, mBART). */
  readonly embeddingLn?: LayerNormParams;
  /** Final `layer_norm` (mBART, M2M-100). */
  readonly finalLn?: LayerNormParams;
}

/** The parameters of a BART / mBART / M2M-100 model in compute layout (`nn.Linear` weights as `(in, out)`). */
export interface BartWeights {
  /** `(vocab, hidden)` `model.shared`, the token embeddings of both sides. */
  readonly embed: tf.Tensor2D;
  readonly encoder: BartStackWeights;
  readonly decoder: BartStackWeights;
  /** `(vocab, hidden)` output embeddings, `embed` itself when tied. */
  readonly lmHead: tf.Tensor2D;
  /** `final_logits_bias` (BART, mBART; zeros when the checkpoint has none); absent for M2M-100. */
  readonly finalLogitsBias?: tf.Tensor1D;
}

const LN_EPS = 1e-5;

/**
 * Loads a BART-family checkpoint: the shared embeddings once (also under their per-side names), linear weights
 * transposed once, learned position tables read or M2M-100's sinusoidal table computed.
 */
export function loadBartWeights(store: ParameterStore, c: BartConfig): BartWeights {
  const H = c.hiddenSize;
  const linear = (name: string, inDim: number, outDim: number): LinearParams => ({
    weight: store.get(`${name}.weight`, [inDim, outDim], "transposed"),
    bias: store.get(`${name}.bias`, [outDim]),
  });
  const ln = (name: string): LayerNormParams => ({ gamma: store.get(`${name}.weight`, [H]), beta: store.get(`${name}.bias`, [H]), eps: LN_EPS });
  const attention = (p: string): AttentionWeights => ({ q: linear(`${p}.q_proj`, H, H), k: linear(`${p}.k_proj`, H, H), v: linear(`${p}.v_proj`, H, H), out: linear(`${p}.out_proj`, H, H) });
  const layer = (p: string, ffn: number, cross: boolean): EncoderDecoderLayerWeights => ({
    selfAttn: attention(`${p}.self_attn`),
    selfAttnLn: ln(`${p}.self_attn_layer_norm`),
    crossAttn: cross ? attention(`${p}.encoder_attn`) : undefined,
    crossAttnLn: cross ? ln(`${p}.encoder_attn_layer_norm`) : undefined,
    fc1: linear(`${p}.fc1`, H, ffn),
    fc2: linear(`${p}.fc2`, ffn, H),
    finalLn: ln(`${p}.final_layer_norm`),
  });
  const m2m = c.modelType === "m2m_100";
  const sinusoidal = m2m
    ? store.own("positions", tf.tensor2d(m2m100SinusoidalPositions(c.padTokenId + 1 + c.maxPositions, H, c.padTokenId), [c.padTokenId + 1 + c.maxPositions, H]))
    : undefined;
  const stack = (side: "encoder" | "decoder", layers: number, ffn: number): BartStackWeights => ({
    positions: sinusoidal ?? store.get(`model.${side}.embed_positions.weight`, [c.maxPositions + 2, H]),
    layers: Array.from({ length: layers }, (_, i) => layer(`model.${side}.layers.${i}`, ffn, side === "decoder")),
    embeddingLn: m2m ? undefined : ln(`model.${side}.layernorm_embedding`),
    finalLn: c.modelType === "bart" ? undefined : ln(`model.${side}.layer_norm`),
  });
  const embed = store.get<tf.Rank.R2>(["model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"], [c.vocabSize, H]);
  let finalLogitsBias: tf.Tensor1D | undefined;
  if (!m2m) {
    finalLogitsBias = store.find(["final_logits_bias"])
      ? store.get<tf.Rank.R1>("final_logits_bias", [c.vocabSize])
      : store.own("final_logits_bias", tf.zeros([c.vocabSize]) as tf.Tensor1D);
  }
  return {
    embed,
    encoder: stack("encoder", c.encoderLayers, c.encoderFfnSize),
    decoder: stack("decoder", c.decoderLayers, c.decoderFfnSize),
    lmHead: c.tieWordEmbeddings ? embed : store.get<tf.Rank.R2>("lm_head.weight", [c.vocabSize, H]),
    finalLogitsBias,
  };
}
