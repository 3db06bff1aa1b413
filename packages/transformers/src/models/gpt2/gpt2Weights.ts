import type * as tf from "@tensorflow/tfjs-core";
import type { Gpt2Config } from "../../config/gpt2Config.js";
import type { LayerNormParams, LinearParams } from "../../nn/params.js";
import type { ParameterStore } from "../../weights/ParameterStore.js";

/** One GPT-2 block's parameters. */
export interface Gpt2BlockWeights {
  readonly ln1: LayerNormParams;
  readonly cAttn: LinearParams;
  readonly attnProj: LinearParams;
  readonly ln2: LayerNormParams;
  readonly cFc: LinearParams;
  readonly mlpProj: LinearParams;
}

/** GPT-2's parameters in compute layout. */
export interface Gpt2Weights {
  /** `(vocab, hidden)` token embeddings; also the LM head when tied. */
  readonly wte: tf.Tensor2D;
  /** `(positions, hidden)` learned position embeddings. */
  readonly wpe: tf.Tensor2D;
  readonly blocks: readonly Gpt2BlockWeights[];
  readonly lnF: LayerNormParams;
  /** `(vocab, hidden)` output embeddings: the same tensor as `wte` when tied. */
  readonly lmHead: tf.Tensor2D;
}

/**
 * Loads GPT-2's parameters. Conv1D weights are stored `(in, out)` already; names are accepted with or without the
 * `transformer.` prefix (the original OpenAI checkpoints omit it); `lm_head.weight` is tied to `wte`.
 */
export function loadGpt2Weights(store: ParameterStore, c: Gpt2Config): Gpt2Weights {
  const H = c.hiddenSize;
  const w = <R extends tf.Rank>(name: string, shape: number[]) => store.get<R>([`transformer.${name}`, name], shape);
  const ln = (name: string): LayerNormParams => ({ gamma: w(`${name}.weight`, [H]), beta: w(`${name}.bias`, [H]), eps: c.layerNormEpsilon });
  const conv1d = (name: string, inDim: number, outDim: number): LinearParams => ({ weight: w(`${name}.weight`, [inDim, outDim]), bias: w(`${name}.bias`, [outDim]) });
  const wte = w<tf.Rank.R2>("wte.weight", [c.vocabSize, H]);
  return {
    wte,
    wpe: w("wpe.weight", [c.maxPositions, H]),
    blocks: Array.from({ length: c.numLayers }, (_, i) => ({
      ln1: ln(`h.${i}.ln_1`),
      cAttn: conv1d(`h.${i}.attn.c_attn`, H, 3 * H),
      attnProj: conv1d(`h.${i}.attn.c_proj`, H, H),
      ln2: ln(`h.${i}.ln_2`),
      cFc: conv1d(`h.${i}.mlp.c_fc`, H, c.innerSize),
      mlpProj: conv1d(`h.${i}.mlp.c_proj`, c.innerSize, H),
    })),
    lnF: ln("ln_f"),
    lmHead: c.tieWordEmbeddings ? wte : store.get("lm_head.weight", [c.vocabSize, H]),
  };
}
