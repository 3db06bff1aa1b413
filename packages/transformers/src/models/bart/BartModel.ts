import * as tf from "@tensorflow/tfjs-core";
import { additiveAttentionMask, linearTransposed } from "@inseqjs/backend-tfjs";
import type { ForwardInputs, ForwardStream, InputSide } from "@inseqjs/core";
import type { BartConfig } from "../../config/bartConfig.js";
import type { LayerHooks } from "../../layers/LayerHooks.js";
import { activationFunction } from "../../nn/activationFunction.js";
import type { Activation } from "../../nn/activationFunction.js";
import { embedStream } from "../../nn/embedStream.js";
import type { EmbeddingCall } from "../../nn/embedStream.js";
import { encoderDecoderLayer } from "../../nn/encoderDecoderLayer.js";
import type { CrossAttentionInput } from "../../nn/encoderDecoderLayer.js";
import { layerNormModule } from "../../nn/layerNormModule.js";
import { positionIds } from "../../nn/positionIds.js";
import { ParameterStore } from "../../weights/ParameterStore.js";
import type { ArchitectureParts } from "../Architecture.js";
import { TransformersModel } from "../TransformersModel.js";
import { bartLayerNames } from "./bartLayerNames.js";
import { resolveForcedBosTokenId } from "./bartTargetLanguage.js";
import type { TargetLanguageOptions } from "./bartTargetLanguage.js";
import { loadBartWeights } from "./bartWeights.js";
import type { BartStackWeights, BartWeights } from "./bartWeights.js";

/** Offset of BART's learned position ids (`BartLearnedPositionalEmbedding.offset`). */
const LEARNED_POSITION_OFFSET = 2;

/**
 * BART (`BartForConditionalGeneration`), mBART (`MBartForConditionalGeneration`) and M2M-100 / NLLB
 * (`M2M100ForConditionalGeneration`) on TF.js. Shared token embeddings (× √d_model with `scale_embedding`, scaled
 * once, after the embedding module); BART and mBART add learned positions (offset 2) and `layernorm_embedding`,
 * M2M-100 sinusoidal positions numbered from the padding mask (`padding_idx` + cumulative count, so padded and
 * unpadded rows agree); BART layers are post-LN, mBART and M2M-100 layers pre-LN with a final `layer_norm` per stack.
 * The decoder prefix is `[decoder_start_token_id, forced_bos_token_id?]` ({@link BartModel.decoderPrefix}).
 */
export class BartModel extends TransformersModel {
  readonly config: BartConfig;
  /** Its activations honour DeepLIFT's Rescale rule (`forward(..., { deepLiftReference: "rescale" })`). */
  readonly supportsDeepLiftRescale = true;
  private readonly weights: BartWeights;
  private readonly act: Activation;
  private readonly embeddingCalls: Readonly<Record<InputSide, EmbeddingCall>>;
  private forcedBos: number | undefined;

  private constructor(parts: ArchitectureParts<BartConfig>, params: ParameterStore, weights: BartWeights) {
    const { config: c, tokenizer } = parts;
    super({
      modelName: parts.modelName,
      modelClass: c.architecture,
      modelType: c.modelType,
      isEncoderDecoder: true,
      tokenizer,
      specialTokens: {
        bos: c.bosTokenId,
        eos: c.eosTokenId,
        pad: tokenizer.specialTokens.pad ?? c.padTokenId,
        unk: tokenizer.specialTokens.unk,
        decoderStart: c.decoderStartTokenId,
      },
      embedScale: c.scaleEmbedding ? Math.sqrt(c.hiddenSize) : 1,
      hiddenSize: c.hiddenSize,
      vocabSize: c.vocabSize,
      maxPositions: c.maxPositions,
      embeddingLayers: { source: "model.shared", target: "model.shared" },
      layerNames: bartLayerNames(c),
      params,
    });
    this.config = c;
    this.weights = weights;
    this.act = activationFunction(c.activation, c.modelType);
    this.embeddingCalls = {
      source: { names: ["model.shared", "model.encoder.embed_tokens"], table: weights.embed, scale: this.embedScale },
      target: { names: ["model.shared", "model.decoder.embed_tokens"], table: weights.embed, scale: this.embedScale },
    };
    this.forcedBos = resolveForcedBosTokenId(parts.loadOptions ?? {}, tokenizer, c.forcedBosTokenId, c.vocabSize, c.architecture);
  }

  /** Loads the parameters from `parts.weights` and builds the model. */
  static create(parts: ArchitectureParts<BartConfig>): BartModel {
    const params = new ParameterStore(parts.weights, parts.config.architecture);
    try {
      const weights = loadBartWeights(params, parts.config);
      params.finishLoading();
      return new BartModel(parts, params, weights);
    } catch (e) {
      params.dispose();
      throw e;
    }
  }

  /** Token forced at decoder position 1 (the target language), if any. */
  get forcedBosTokenId(): number | undefined {
    return this.forcedBos;
  }

  /**
   * Chooses the target language for later generations and attributions (`{ tgtLang: "fr" }`,
   * `{ forcedBosTokenId: 128028 }`); `{}` restores `config.json`'s `forced_bos_token_id`.
   */
  setTargetLanguage(options: TargetLanguageOptions): void {
    this.forcedBos = resolveForcedBosTokenId(options, this.tokenizer, this.config.forcedBosTokenId, this.config.vocabSize, this.modelClass);
  }

  /** `[decoder_start_token_id]`, plus the forced first token when there is one. */
  decoderPrefix(): number[] {
    const start = this.config.decoderStartTokenId;
    return this.forcedBos === undefined ? [start] : [start, this.forcedBos];
  }

  protected embeddingTable(): tf.Tensor2D {
    return this.weights.embed;
  }

  protected run(inputs: ForwardInputs, hooks: LayerHooks): tf.Tensor2D {
    const source = inputs.source!;
    const { target } = inputs;
    const w = this.weights;
    const c = this.config;
    const preNorm = c.modelType !== "bart";
    const sourceLength = source.embeds ? source.embeds.shape[1] : source.ids!.shape[1];
    const sourceMask = source.mask ? additiveAttentionMask({ queryLength: sourceLength, keyMask: source.mask }) : undefined;

    let h = this.embedSide(hooks, "encoder", w.encoder, this.embeddingCalls.source, source);
    w.encoder.layers.forEach((layer, i) => {
      const name = `model.encoder.layers.${i}`;
      h = hooks.module(name, h, (x) => encoderDecoderLayer(hooks, { name, heads: c.encoderHeads, act: this.act, preNorm }, layer, x, sourceMask));
    });
    if (w.encoder.finalLn) h = layerNormModule(hooks, "model.encoder.layer_norm", h, w.encoder.finalLn);
    const cross: CrossAttentionInput = { states: h, mask: sourceMask };

    const [batch, length] = target.embeds ? target.embeds.shape : target.ids!.shape;
    const selfMask = additiveAttentionMask({ queryLength: length, keyMask: target.mask, causal: true });
    let y = this.embedSide(hooks, "decoder", w.decoder, this.embeddingCalls.target, target);
    w.decoder.layers.forEach((layer, i) => {
      const name = `model.decoder.layers.${i}`;
      y = hooks.module(name, y, (x) => encoderDecoderLayer(hooks, { name, heads: c.decoderHeads, act: this.act, preNorm }, layer, x, selfMask, cross));
    });
    if (w.decoder.finalLn) y = layerNormModule(hooks, "model.decoder.layer_norm", y, w.decoder.finalLn);
    const hidden = this.hiddenSize;
    const last = tf.reshape(tf.slice(y, [0, length - 1, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
    const logits = hooks.module("lm_head", last, (v) => linearTransposed(v, w.lmHead));
    return w.finalLogitsBias ? (tf.add(logits, w.finalLogitsBias) as tf.Tensor2D) : logits;
  }

  /** Token embeddings + positions (+ `layernorm_embedding`) of one side. */
  private embedSide(hooks: LayerHooks, side: "encoder" | "decoder", stack: BartStackWeights, call: EmbeddingCall, stream: ForwardStream): tf.Tensor3D {
    const x = embedStream(hooks, stream, call);
    const [batch, length] = x.shape;
    const positions = hooks.module(`model.${side}.embed_positions`, this.positionIdsOf(stream, batch, length), (p) => tf.gather(stack.positions, p) as unknown as tf.Tensor3D);
    const h = tf.add(x, positions) as tf.Tensor3D;
    return stack.embeddingLn ? layerNormModule(hooks, `model.${side}.layernorm_embedding`, h, stack.embeddingLn) : h;
  }

  /**
   * Row indices into the position table. Learned (BART, mBART): `positionIds` (cumsum of the mask − 1, so padding
   * never shifts real tokens) + 2. M2M-100 (`create_position_ids_from_input_ids`): `cumsum(mask)·mask + padding_idx`,
   * padding rows → `padding_idx` (a zero row); the mask is the given one, else `ids ≠ pad` (as HF derives it), else
   * all ones (HF's sequential ids for `inputs_embeds`).
   */
  private positionIdsOf(stream: ForwardStream, batch: number, length: number): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.config.modelType !== "m2m_100") return tf.add(positionIds(batch, length, stream.mask), tf.scalar(LEARNED_POSITION_OFFSET, "int32")) as tf.Tensor2D;
      const pad = this.config.padTokenId;
      let mask: tf.Tensor | undefined = stream.mask;
      if (!mask && !stream.embeds) mask = tf.notEqual(tf.cast(stream.ids!, "int32"), pad);
      if (!mask) return tf.tile(tf.reshape(tf.range(pad + 1, pad + 1 + length, 1, "int32"), [1, length]), [batch, 1]) as tf.Tensor2D;
      const m = tf.cast(mask, "float32");
      return tf.cast(tf.add(tf.mul(tf.cumsum(m, 1), m), pad), "int32") as tf.Tensor2D;
    });
  }
}
