import * as tf from "@tensorflow/tfjs-core";
import {
  additiveAttentionMask,
  applyRotary,
  chunkedAttention,
  groupedQueryAttention,
  linearTransposed,
  mergeHeads,
  recomputeInBackward,
  residualAdd,
  rotaryCosSin,
  slidingWindowMask,
  softcap,
  splitHeads,
  swiGlu,
} from "@inseqjs/backend-tfjs";
import type { RotaryTables } from "@inseqjs/backend-tfjs";
import type { ForwardInputs } from "@inseqjs/core";
import type { LayerHooks } from "../../layers/LayerHooks.js";
import { activationFunction } from "../../nn/activationFunction.js";
import type { Activation } from "../../nn/activationFunction.js";
import type { AttentionMasking } from "../../nn/attentionMasking.js";
import { embedStream } from "../../nn/embedStream.js";
import { linearModule } from "../../nn/linearModule.js";
import type { LinearParams } from "../../nn/params.js";
import { LLAMA_MEMORY } from "../../memory/memoryConstants.js";
import { useRecompute } from "../../nn/memoryPlan.js";
import { positionIds } from "../../nn/positionIds.js";
import { rmsNormModule } from "../../nn/rmsNormModule.js";
import { ParameterStore } from "../../weights/ParameterStore.js";
import type { ArchitectureParts } from "../Architecture.js";
import { TransformersModel } from "../TransformersModel.js";
import type { LlamaConfig } from "./llamaConfig.js";
import { llamaLayerNames } from "./llamaLayerNames.js";
import { loadLlamaWeights } from "./llamaWeights.js";
import type { LlamaLayerWeights, LlamaWeights, RmsNormParams } from "./llamaWeights.js";
import { ropeInverseFrequencies } from "./ropeInverseFrequencies.js";

/**
 * The Llama family on TF.js — `llama` (Llama 2/3.x, SmolLM, TinyLlama, ...), `mistral`, `qwen2`, `qwen3`, `gemma`,
 * `gemma2` — as Hugging Face's `*ForCausalLM` computes it: RMSNorm (Gemma: `1 + w`), rotary embeddings with rope
 * scaling, grouped-query attention, SwiGLU / GeGLU MLP, optional biases and q/k norms, Gemma's √hidden embedding
 * scale, Gemma 2's soft-capping and sandwich norms, sliding windows. Positions come from the padding mask, so a
 * left-padded row computes what the unpadded row does; logits are computed at the last position only.
 */
export class LlamaModel extends TransformersModel {
  readonly config: LlamaConfig;
  private readonly weights: LlamaWeights;
  private readonly act: Activation;
  /** Whether the MLP activation is SiLU (the gated product then runs as {@link swiGlu}). */
  private readonly fusedGate: boolean;

  private constructor(parts: ArchitectureParts<LlamaConfig>, params: ParameterStore, weights: LlamaWeights) {
    const { config: c, tokenizer } = parts;
    const tokenizerEos = tokenizer.specialTokens.eos;
    // Llama 3 instruct lists several eos ids: the tokenizer's eos_token names the one its template ends turns with.
    const eos = tokenizerEos !== undefined && (c.eosTokenIds.length === 0 || c.eosTokenIds.includes(tokenizerEos)) ? tokenizerEos : c.eosTokenIds[0];
    const unk = tokenizer.specialTokens.unk;
    super({
      modelName: parts.modelName,
      modelClass: c.architecture,
      modelType: c.modelType,
      isEncoderDecoder: false,
      tokenizer,
      specialTokens: {
        bos: tokenizer.specialTokens.bos ?? c.bosTokenId,
        eos,
        // Tokenizers with neither unk nor pad (Llama 3) pad with eos, as Hugging Face users set pad_token = eos_token;
        // the baselines then use eos as well.
        pad: c.padTokenId ?? tokenizer.specialTokens.pad ?? (unk === undefined ? eos : undefined),
        unk,
      },
      embedScale: c.embedScale,
      hiddenSize: c.hiddenSize,
      vocabSize: c.vocabSize,
      maxPositions: c.maxPositions,
      embeddingLayers: { target: "model.embed_tokens" },
      layerNames: llamaLayerNames(c),
      params,
    });
    this.config = c;
    this.weights = weights;
    this.act = activationFunction(c.activation, c.modelType);
    this.fusedGate = c.activation === "silu" || c.activation === "swish";
  }

  /** Loads the parameters from `parts.weights` and builds the model. */
  static create(parts: ArchitectureParts<LlamaConfig>): LlamaModel {
    const params = new ParameterStore(parts.weights, parts.config.architecture);
    try {
      const weights = loadLlamaWeights(params, parts.config);
      params.finishLoading();
      return new LlamaModel(parts, params, weights);
    } catch (e) {
      params.dispose();
      throw e;
    }
  }

  protected embeddingTable(): tf.Tensor2D {
    return this.weights.embedTokens;
  }

  protected run(inputs: ForwardInputs, hooks: LayerHooks): tf.Tensor2D {
    const { target } = inputs;
    const c = this.config;
    const w = this.weights;
    const x = embedStream(hooks, target, { names: ["model.embed_tokens"], table: w.embedTokens, scale: this.embedScale });
    const [batch, length, hidden] = x.shape;
    const positions = positionIds(batch, length, target.mask);
    const rotary = rotaryCosSin(positions, this.inverseFrequencies(batch, length, target.mask));
    // Long inputs attend chunk by chunk (no (batch, 1, L, L) mask, no L×L scores); short ones (and Gemma 2's
    // soft-capped scores) in one shot with an additive mask per window size.
    const chunked = length >= this.attentionChunking.minKeys && c.attnLogitSoftcap === undefined;
    const masks = new Map<number | undefined, tf.Tensor | undefined>();
    if (!chunked) {
      const causal = additiveAttentionMask({ queryLength: length, keyMask: target.mask, causal: true });
      masks.set(undefined, causal);
      for (const window of c.layerWindows) {
        if (masks.has(window)) continue;
        const sliding = slidingWindowMask(length, window!);
        masks.set(window, sliding && causal ? tf.add(causal, sliding) : (sliding ?? causal));
      }
    }
    const recompute = useRecompute(this.recompute, { batch, length, layers: w.layers.length, hidden, intermediate: c.intermediateSize, kvDim: c.numKvHeads * c.headDim, taped: LLAMA_MEMORY.taped });
    let h = x;
    w.layers.forEach((layer, i) => {
      const name = `model.layers.${i}`;
      const window = c.layerWindows[i];
      const constants = [rotary.cos, rotary.sin, ...(chunked ? (target.mask ? [target.mask] : []) : masks.get(window) ? [masks.get(window)!] : [])];
      const run = (v: tf.Tensor3D, [cos, sin, mask]: readonly tf.Tensor[]) =>
        this.decoderLayer(hooks, i, layer, v, { cos, sin } as RotaryTables, chunked ? { kind: "chunked", keyMask: mask as tf.Tensor2D | undefined, window, chunkSize: this.attentionChunking.chunkSize } : { kind: "additive", mask });
      h = hooks.module(name, h, (v) => (recompute && !hooks.touchesInside(name) ? recomputeInBackward(run, v, constants) : run(v, constants)));
    });
    h = rmsNormModule(hooks, "model.norm", h, w.norm);
    const last = tf.reshape(tf.slice(h, [0, length - 1, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
    const logits = hooks.module("lm_head", last, (v) => linearTransposed(v, w.lmHead));
    return c.finalLogitSoftcap === undefined ? logits : softcap(logits, c.finalLogitSoftcap);
  }

  /**
   * Rotary inverse frequencies. Dynamic scaling depends on the sequence length: each row gets its own from its real
   * length (Hugging Face takes the longest row for the whole batch; per row, a padded batch equals single rows).
   */
  private inverseFrequencies(batch: number, length: number, mask: tf.Tensor2D | undefined): number[] | number[][] {
    const { rope } = this.config;
    if (rope.scaling?.type !== "dynamic") return ropeInverseFrequencies(rope, length);
    const lengths = mask ? Array.from(tf.tidy(() => tf.sum(mask, 1)).dataSync()) : new Array<number>(batch).fill(length);
    return lengths.map((n) => ropeInverseFrequencies(rope, n));
  }

  private decoderLayer(hooks: LayerHooks, i: number, lw: LlamaLayerWeights, x: tf.Tensor3D, rotary: RotaryTables, mask: AttentionMasking): tf.Tensor3D {
    const p = `model.layers.${i}`;
    const sandwich = this.config.sandwichNorms;
    const normed = rmsNormModule(hooks, `${p}.input_layernorm`, x, lw.inputNorm);
    let attended = hooks.module(`${p}.self_attn`, normed, (v) => this.attention(hooks, p, lw, v, rotary, mask));
    if (sandwich) attended = rmsNormModule(hooks, `${p}.post_attention_layernorm`, attended, lw.postAttentionNorm);
    const h = residualAdd(x, attended);
    const mlpInput = sandwich
      ? rmsNormModule(hooks, `${p}.pre_feedforward_layernorm`, h, lw.preFeedforwardNorm!)
      : rmsNormModule(hooks, `${p}.post_attention_layernorm`, h, lw.postAttentionNorm);
    let mlp = hooks.module(`${p}.mlp`, mlpInput, (v) => this.mlp(hooks, p, lw, v));
    if (sandwich) mlp = rmsNormModule(hooks, `${p}.post_feedforward_layernorm`, mlp, lw.postFeedforwardNorm!);
    return residualAdd(h, mlp);
  }

  private attention(hooks: LayerHooks, layer: string, lw: LlamaLayerWeights, x: tf.Tensor3D, rotary: RotaryTables, mask: AttentionMasking): tf.Tensor3D {
    const c = this.config;
    const p = `${layer}.self_attn`;
    const [batch, length] = x.shape;
    // Project, view as (batch, len, heads, headDim) — where Qwen3's q/k norms act — then heads first.
    const heads = (name: string, proj: LinearParams, count: number, norm?: RmsNormParams): tf.Tensor4D => {
      const projected = linearModule(hooks, `${p}.${name}_proj`, x, proj);
      if (!norm) return splitHeads(projected, count);
      const y = rmsNormModule(hooks, `${p}.${name}_norm`, tf.reshape(projected, [batch, length, count, c.headDim]) as tf.Tensor4D, norm);
      return tf.transpose(y, [0, 2, 1, 3]);
    };
    const q = applyRotary(heads("q", lw.q, c.numHeads, lw.qNorm), rotary);
    const k = applyRotary(heads("k", lw.k, c.numKvHeads, lw.kNorm), rotary);
    const v = heads("v", lw.v, c.numKvHeads);
    const out =
      mask.kind === "chunked"
        ? chunkedAttention(q, k, v, { causal: true, keyMask: mask.keyMask, window: mask.window, scale: c.attentionScale, chunkSize: mask.chunkSize })
        : groupedQueryAttention(q, k, v, { mask: mask.mask, scale: c.attentionScale, softcap: c.attnLogitSoftcap });
    return linearModule(hooks, `${p}.o_proj`, mergeHeads(out), lw.o);
  }

  private mlp(hooks: LayerHooks, layer: string, lw: LlamaLayerWeights, x: tf.Tensor3D): tf.Tensor3D {
    const p = `${layer}.mlp`;
    const gateProjected = linearModule(hooks, `${p}.gate_proj`, x, lw.gate);
    const up = linearModule(hooks, `${p}.up_proj`, x, lw.up);
    // SiLU-gated MLPs run as one op keeping gate and up only, unless the activation module is hooked or DeepLIFT's
    // Rescale rule needs the activation on its own
    const fused = this.fusedGate && !hooks.deepLiftReference && !hooks.touches(`${p}.act_fn`);
    const gated = fused ? swiGlu(gateProjected, up) : (tf.mul(hooks.module(`${p}.act_fn`, gateProjected, this.act), up) as tf.Tensor3D);
    return linearModule(hooks, `${p}.down_proj`, gated, lw.down);
  }
}
