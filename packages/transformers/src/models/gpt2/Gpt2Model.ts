import * as tf from "@tensorflow/tfjs-core";
import { additiveAttentionMask, chunkedAttention, linearTransposed, mergeHeads, recomputeInBackward, residualAdd, splitHeads } from "@inseqjs/backend-tfjs";
import type { ForwardInputs } from "@inseqjs/core";
import type { Gpt2Config } from "../../config/gpt2Config.js";
import type { LayerHooks } from "../../layers/LayerHooks.js";
import { activationFunction } from "../../nn/activationFunction.js";
import { activationModule } from "../../nn/activationModule.js";
import type { Activation } from "../../nn/activationFunction.js";
import type { AttentionMasking } from "../../nn/attentionMasking.js";
import { embedStream } from "../../nn/embedStream.js";
import { GPT2_MEMORY } from "../../memory/memoryConstants.js";
import { useRecompute } from "../../nn/memoryPlan.js";
import { layerNormModule } from "../../nn/layerNormModule.js";
import { linearModule } from "../../nn/linearModule.js";
import { multiHeadAttention } from "../../nn/multiHeadAttention.js";
import { positionIds } from "../../nn/positionIds.js";
import { ParameterStore } from "../../weights/ParameterStore.js";
import type { ArchitectureParts } from "../Architecture.js";
import { TransformersModel } from "../TransformersModel.js";
import { gpt2LayerNames } from "./gpt2LayerNames.js";
import { loadGpt2Weights } from "./gpt2Weights.js";
import type { Gpt2BlockWeights, Gpt2Weights } from "./gpt2Weights.js";

/**
 * GPT-2 (`GPT2LMHeadModel`) on TF.js: learned positions (from the padding mask, so left padding is exact), pre-LN
 * blocks, `gelu_new` MLP, tied LM head applied to the last position only.
 */
export class Gpt2Model extends TransformersModel {
  readonly config: Gpt2Config;
  private readonly weights: Gpt2Weights;
  private readonly act: Activation;
  /** Its activations honour DeepLIFT's Rescale rule (`forward(..., { deepLiftReference: "rescale" })`). */
  readonly supportsDeepLiftRescale = true;

  private constructor(parts: ArchitectureParts<Gpt2Config>, params: ParameterStore, weights: Gpt2Weights) {
    const { config: c, tokenizer } = parts;
    super({
      modelName: parts.modelName,
      modelClass: c.architecture,
      modelType: "gpt2",
      isEncoderDecoder: false,
      tokenizer,
      specialTokens: {
        bos: c.bosTokenId ?? tokenizer.specialTokens.bos,
        eos: c.eosTokenId ?? tokenizer.specialTokens.eos,
        pad: c.padTokenId ?? tokenizer.specialTokens.pad,
        unk: tokenizer.specialTokens.unk,
      },
      embedScale: 1,
      hiddenSize: c.hiddenSize,
      vocabSize: c.vocabSize,
      maxPositions: c.maxPositions,
      embeddingLayers: { target: "transformer.wte" },
      layerNames: gpt2LayerNames(c.numLayers),
      params,
    });
    this.config = c;
    this.weights = weights;
    this.act = activationFunction(c.activation, "gpt2");
  }

  /** Loads the parameters from `parts.weights` and builds the model. */
  static create(parts: ArchitectureParts<Gpt2Config>): Gpt2Model {
    const params = new ParameterStore(parts.weights, parts.config.architecture);
    try {
      const weights = loadGpt2Weights(params, parts.config);
      params.finishLoading();
      return new Gpt2Model(parts, params, weights);
    } catch (e) {
      params.dispose();
      throw e;
    }
  }

  protected embeddingTable(): tf.Tensor2D {
    return this.weights.wte;
  }

  protected run(inputs: ForwardInputs, hooks: LayerHooks): tf.Tensor2D {
    const { target } = inputs;
    const w = this.weights;
    const x = embedStream(hooks, target, { names: ["transformer.wte"], table: w.wte, scale: this.embedScale });
    const [batch, length, hidden] = x.shape;
    const positions = hooks.module("transformer.wpe", positionIds(batch, length, target.mask), (p) => tf.gather(w.wpe, p) as unknown as tf.Tensor3D);
    // Long inputs attend chunk by chunk (no (batch, 1, L, L) mask, no L×L scores), short ones in one shot.
    const chunked = length >= this.attentionChunking.minKeys;
    const mask = chunked ? undefined : additiveAttentionMask({ queryLength: length, keyMask: target.mask, causal: true });
    // Only the last position reaches the logits: without hooks (which may read any layer at every position), the
    // last block computes its queries, MLP and projections for that position alone (same numbers, ~1/nLayer less work).
    const lastOnly = !hooks.active && length > 1;
    const lastMask = lastOnly && !chunked ? additiveAttentionMask({ queryLength: 1, keyLength: length, keyMask: target.mask, causal: true }) : undefined;
    const recompute = useRecompute(this.recompute, { batch, length, layers: w.blocks.length, hidden, intermediate: this.config.innerSize, kvDim: 0, taped: GPT2_MEMORY.taped });
    let h = residualAdd(x, positions);
    w.blocks.forEach((block, i) => {
      const name = `transformer.h.${i}`;
      const truncate = lastOnly && i === w.blocks.length - 1;
      const additive = truncate ? lastMask : mask;
      const constants = chunked ? (target.mask ? [target.mask] : []) : additive ? [additive] : [];
      const run = (v: tf.Tensor3D, [m]: readonly tf.Tensor[]) =>
        this.block(hooks, i, block, v, chunked ? { kind: "chunked", keyMask: m as tf.Tensor2D | undefined, chunkSize: this.attentionChunking.chunkSize } : { kind: "additive", mask: m }, truncate);
      h = hooks.module(name, h, (v) => (recompute && !hooks.touchesInside(name) ? recomputeInBackward(run, v, constants) : run(v, constants)));
    });
    h = layerNormModule(hooks, "transformer.ln_f", h, w.lnF);
    const last = tf.reshape(h.shape[1] === 1 ? h : tf.slice(h, [0, length - 1, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
    return hooks.module("lm_head", last, (v) => linearTransposed(v, w.lmHead));
  }

  /** One block; with `lastOnly` it returns `(batch, 1, hidden)`: the last position's output only. */
  private block(hooks: LayerHooks, i: number, b: Gpt2BlockWeights, x: tf.Tensor3D, mask: AttentionMasking, lastOnly: boolean): tf.Tensor3D {
    const p = `transformer.h.${i}`;
    const attended = hooks.module(`${p}.attn`, layerNormModule(hooks, `${p}.ln_1`, x, b.ln1), (v) => this.attention(hooks, i, b, v, mask, lastOnly));
    const h = residualAdd(lastOnly ? lastPosition(x) : x, attended);
    const mlp = hooks.module(`${p}.mlp`, layerNormModule(hooks, `${p}.ln_2`, h, b.ln2), (v) => {
      const inner = activationModule(hooks, `${p}.mlp.act`, linearModule(hooks, `${p}.mlp.c_fc`, v, b.cFc), this.act);
      return linearModule(hooks, `${p}.mlp.c_proj`, inner, b.mlpProj);
    });
    return residualAdd(h, mlp);
  }

  private attention(hooks: LayerHooks, i: number, b: Gpt2BlockWeights, x: tf.Tensor3D, mask: AttentionMasking, lastOnly: boolean): tf.Tensor3D {
    const p = `transformer.h.${i}.attn`;
    const c = this.config;
    const [q, k, v] = tf.split(linearModule(hooks, `${p}.c_attn`, x, b.cAttn), 3, 2) as tf.Tensor3D[];
    let scale = c.scaleAttnWeights ? 1 / Math.sqrt(c.hiddenSize / c.numHeads) : 1;
    if (c.scaleAttnByInverseLayerIdx) scale /= i + 1;
    const queries = lastOnly ? lastPosition(q) : q;
    const attended =
      mask.kind === "chunked"
        ? mergeHeads(chunkedAttention(splitHeads(queries, c.numHeads), splitHeads(k, c.numHeads), splitHeads(v, c.numHeads), { causal: true, keyMask: mask.keyMask, scale, chunkSize: mask.chunkSize }))
        : multiHeadAttention(queries, k, v, c.numHeads, mask.mask, scale);
    return linearModule(hooks, `${p}.c_proj`, attended, b.attnProj);
  }
}

/** `(batch, 1, hidden)`: the last position of `(batch, len, hidden)`. */
function lastPosition(x: tf.Tensor3D): tf.Tensor3D {
  const [batch, length, hidden] = x.shape;
  return tf.slice(x, [0, length - 1, 0], [batch, 1, hidden]);
}
