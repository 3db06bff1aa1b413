import * as tf from "@tensorflow/tfjs-core";
import { additiveAttentionMask, linearTransposed } from "@inseqjs/backend-tfjs";
import type { ForwardInputs, InputSide } from "@inseqjs/core";
import type { MarianConfig } from "../../config/marianConfig.js";
import type { LayerHooks } from "../../layers/LayerHooks.js";
import { activationFunction } from "../../nn/activationFunction.js";
import { activationModule } from "../../nn/activationModule.js";
import type { Activation } from "../../nn/activationFunction.js";
import { embedStream } from "../../nn/embedStream.js";
import type { EmbeddingCall } from "../../nn/embedStream.js";
import { layerNormModule } from "../../nn/layerNormModule.js";
import { linearModule } from "../../nn/linearModule.js";
import { multiHeadAttention } from "../../nn/multiHeadAttention.js";
import { positionIds } from "../../nn/positionIds.js";
import { ParameterStore } from "../../weights/ParameterStore.js";
import type { ArchitectureParts } from "../Architecture.js";
import { TransformersModel } from "../TransformersModel.js";
import { marianLayerNames } from "./marianLayerNames.js";
import { loadMarianWeights } from "./marianWeights.js";
import type { MarianAttentionWeights, MarianLayerWeights, MarianWeights } from "./marianWeights.js";

/**
 * Marian (`MarianMTModel`) on TF.js: sinusoidal positions, embeddings × √d_model (scaled exactly once on both sides),
 * post-LN encoder and decoder layers, swish, cross-attention over the right-padded source, tied LM head plus
 * `final_logits_bias` at the last decoder position only.
 */
export class MarianModel extends TransformersModel {
  readonly config: MarianConfig;
  private readonly weights: MarianWeights;
  private readonly act: Activation;
  /** Its activations honour DeepLIFT's Rescale rule (`forward(..., { deepLiftReference: "rescale" })`). */
  readonly supportsDeepLiftRescale = true;
  private readonly embeddingCalls: Readonly<Record<InputSide, EmbeddingCall>>;

  private constructor(parts: ArchitectureParts<MarianConfig>, params: ParameterStore, weights: MarianWeights) {
    const { config: c, tokenizer } = parts;
    const shared = c.shareEncoderDecoderEmbeddings;
    const pad = tokenizer.specialTokens.pad ?? c.padTokenId;
    super({
      modelName: parts.modelName,
      modelClass: c.architecture,
      modelType: "marian",
      isEncoderDecoder: true,
      tokenizer,
      specialTokens: { eos: c.eosTokenId ?? tokenizer.specialTokens.eos, pad, unk: tokenizer.specialTokens.unk, decoderStart: c.decoderStartTokenId ?? pad },
      embedScale: c.scaleEmbedding ? Math.sqrt(c.hiddenSize) : 1,
      hiddenSize: c.hiddenSize,
      vocabSize: c.decoderVocabSize,
      maxPositions: c.maxPositions,
      embeddingLayers: shared ? { source: "model.shared", target: "model.shared" } : { source: "model.encoder.embed_tokens", target: "model.decoder.embed_tokens" },
      layerNames: marianLayerNames(c.encoderLayers, c.decoderLayers, shared),
      params,
    });
    this.config = c;
    this.weights = weights;
    this.act = activationFunction(c.activation, "marian");
    const names = (side: string) => (shared ? ["model.shared", `model.${side}.embed_tokens`] : [`model.${side}.embed_tokens`]);
    this.embeddingCalls = {
      source: { names: names("encoder"), table: weights.encoderEmbed, scale: this.embedScale },
      target: { names: names("decoder"), table: weights.decoderEmbed, scale: this.embedScale },
    };
  }

  /** Loads the parameters from `parts.weights` and builds the model. */
  static create(parts: ArchitectureParts<MarianConfig>): MarianModel {
    const params = new ParameterStore(parts.weights, parts.config.architecture);
    try {
      const weights = loadMarianWeights(params, parts.config);
      params.finishLoading();
      return new MarianModel(parts, params, weights);
    } catch (e) {
      params.dispose();
      throw e;
    }
  }

  protected embeddingTable(side: InputSide): tf.Tensor2D {
    return side === "source" ? this.weights.encoderEmbed : this.weights.decoderEmbed;
  }

  protected run(inputs: ForwardInputs, hooks: LayerHooks): tf.Tensor2D {
    const source = inputs.source!;
    const { target } = inputs;
    const w = this.weights;
    const sourceMask = source.mask ? additiveAttentionMask({ queryLength: source.mask.shape[1], keyMask: source.mask }) : undefined;

    let h = this.embedWithPositions(hooks, "encoder", this.embeddingCalls.source, source.embeds, source.ids, source.mask);
    w.encoder.forEach((layer, i) => {
      h = hooks.module(`model.encoder.layers.${i}`, h, (x) => this.layer(hooks, `model.encoder.layers.${i}`, layer, x, sourceMask));
    });
    const encoded = h;

    const [batch, length] = target.embeds ? target.embeds.shape : target.ids!.shape;
    const selfMask = additiveAttentionMask({ queryLength: length, keyMask: target.mask, causal: true });
    let y = this.embedWithPositions(hooks, "decoder", this.embeddingCalls.target, target.embeds, target.ids, target.mask);
    w.decoder.forEach((layer, i) => {
      y = hooks.module(`model.decoder.layers.${i}`, y, (x) => this.layer(hooks, `model.decoder.layers.${i}`, layer, x, selfMask, { states: encoded, mask: sourceMask }));
    });
    const hidden = this.hiddenSize;
    const last = tf.reshape(tf.slice(y, [0, length - 1, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
    return tf.add(hooks.module("lm_head", last, (v) => linearTransposed(v, w.lmHead)), w.finalLogitsBias) as tf.Tensor2D;
  }

  private embedWithPositions(hooks: LayerHooks, side: "encoder" | "decoder", call: EmbeddingCall, embeds?: tf.Tensor3D, ids?: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor3D {
    const x = embedStream(hooks, { embeds, ids, mask }, call);
    const [batch, length] = x.shape;
    const positions = hooks.module(`model.${side}.embed_positions`, positionIds(batch, length, mask), (p) => tf.gather(this.weights.positions, p) as unknown as tf.Tensor3D);
    return tf.add(x, positions) as tf.Tensor3D;
  }

  /** One post-LN layer; `cross` (decoder only) adds the encoder attention between self-attention and the MLP. */
  private layer(hooks: LayerHooks, p: string, l: MarianLayerWeights, x: tf.Tensor3D, selfMask: tf.Tensor | undefined, cross?: { states: tf.Tensor3D; mask: tf.Tensor | undefined }): tf.Tensor3D {
    const heads = p.startsWith("model.encoder") ? this.config.encoderHeads : this.config.decoderHeads;
    let h = hooks.module(`${p}.self_attn`, x, (v) => this.attention(hooks, `${p}.self_attn`, l.selfAttn, v, v, heads, selfMask));
    h = layerNormModule(hooks, `${p}.self_attn_layer_norm`, tf.add(x, h) as tf.Tensor3D, l.selfAttnLn);
    if (cross) {
      const c = hooks.module(`${p}.encoder_attn`, h, (v) => this.attention(hooks, `${p}.encoder_attn`, l.crossAttn!, v, cross.states, heads, cross.mask));
      h = layerNormModule(hooks, `${p}.encoder_attn_layer_norm`, tf.add(h, c) as tf.Tensor3D, l.crossAttnLn!);
    }
    const inner = activationModule(hooks, `${p}.activation_fn`, linearModule(hooks, `${p}.fc1`, h, l.fc1), this.act);
    const out = linearModule(hooks, `${p}.fc2`, inner, l.fc2);
    return layerNormModule(hooks, `${p}.final_layer_norm`, tf.add(h, out) as tf.Tensor3D, l.finalLn);
  }

  private attention(hooks: LayerHooks, p: string, a: MarianAttentionWeights, x: tf.Tensor3D, kv: tf.Tensor3D, heads: number, mask: tf.Tensor | undefined): tf.Tensor3D {
    const q = linearModule(hooks, `${p}.q_proj`, x, a.q);
    const k = linearModule(hooks, `${p}.k_proj`, kv, a.k);
    const v = linearModule(hooks, `${p}.v_proj`, kv, a.v);
    const ctx = multiHeadAttention(q, k, v, heads, mask, 1 / Math.sqrt(this.hiddenSize / heads));
    return linearModule(hooks, `${p}.out_proj`, ctx, a.out);
  }
}
