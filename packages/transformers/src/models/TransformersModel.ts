import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "@inseqjs/core";
import type { AttributionMemoryEstimate, AttributionMemoryRequest, AttributionModel, ForwardInputs, ForwardOptions, ForwardOutput, InputSide, ModelState, SpecialTokenIds } from "@inseqjs/core";
import { LayerHooks } from "../layers/LayerHooks.js";
import { BackendBinding } from "../memory/backendBinding.js";
import { estimateTransformersMemory, tensorBytes } from "../memory/estimateTransformersMemory.js";
import { DEFAULT_ATTENTION_CHUNK } from "@inseqjs/backend-tfjs";
import { CHUNKED_ATTENTION_MIN_KEYS } from "../nn/memoryPlan.js";
import type { RecomputeMode } from "../nn/memoryPlan.js";
import type { TransformersTokenizer } from "../tokenizer/TransformersTokenizer.js";
import type { ParameterStore } from "../weights/ParameterStore.js";
import { checkForwardInputs } from "./checkForwardInputs.js";

/** What every architecture hands to {@link TransformersModel}. */
export interface TransformersModelInit {
  readonly modelName: string;
  readonly modelClass: string;
  /** `config.json`'s `model_type`. */
  readonly modelType: string;
  readonly isEncoderDecoder: boolean;
  readonly tokenizer: TransformersTokenizer;
  readonly specialTokens: SpecialTokenIds;
  readonly embedScale: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly embeddingLayers: { readonly source?: string; readonly target: string };
  /** Every module name, in Hugging Face's `named_modules()` order. */
  readonly layerNames: readonly string[];
  readonly params: ParameterStore;
}

/**
 * A Hugging Face model running on TF.js, implementing core's {@link AttributionModel}. The shared part: validation,
 * layer hooks, tidy scopes, embeddings and disposal; an architecture subclass implements {@link TransformersModel.run}
 * (the forward over already validated inputs) and {@link TransformersModel.embeddingTable}.
 */
export abstract class TransformersModel implements AttributionModel {
  readonly modelName: string;
  readonly modelClass: string;
  readonly modelType: string;
  readonly isEncoderDecoder: boolean;
  readonly tokenizer: TransformersTokenizer;
  readonly specialTokens: SpecialTokenIds;
  readonly embedScale: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly embeddingLayers: { readonly source?: string; readonly target: string };
  /**
   * Recomputation of decoder blocks in the backward pass (gradient checkpointing): `"auto"` (default) when the
   * forward's taped activations would pass 1.5 GiB, `true` always, `false` never. Same numbers either way.
   */
  recompute: RecomputeMode = "auto";
  /**
   * Query-chunked attention: inputs of at least `minKeys` tokens attend `chunkSize` query rows at a time, never
   * holding a `(batch, heads, L, L)` tensor; shorter ones in one shot. Same numbers either way (to float rounding).
   */
  attentionChunking: { minKeys: number; chunkSize: number } = { minKeys: CHUNKED_ATTENTION_MIN_KEYS, chunkSize: DEFAULT_ATTENTION_CHUNK };
  protected readonly params: ParameterStore;
  private readonly names: readonly string[];
  /** The backend instance holding the weights, and whether it can still compute (`state`). */
  private readonly binding = new BackendBinding();

  protected constructor(init: TransformersModelInit) {
    this.modelName = init.modelName;
    this.modelClass = init.modelClass;
    this.modelType = init.modelType;
    this.isEncoderDecoder = init.isEncoderDecoder;
    this.tokenizer = init.tokenizer;
    this.specialTokens = init.specialTokens;
    this.embedScale = init.embedScale;
    this.hiddenSize = init.hiddenSize;
    this.vocabSize = init.vocabSize;
    this.maxPositions = init.maxPositions;
    this.embeddingLayers = init.embeddingLayers;
    this.names = init.layerNames;
    this.params = init.params;
  }

  /** `(vocab, hidden)` embedding table of `side` (unscaled, owned by the model). */
  protected abstract embeddingTable(side: InputSide): tf.Tensor2D;

  /** The forward over validated inputs, inside a tidy scope; returns `(batch, vocab)` logits at the last target position. */
  protected abstract run(inputs: ForwardInputs, hooks: LayerHooks): tf.Tensor2D;

  private checkLive(): void {
    if (this.params.isDisposed) throw inseqError("INVALID_OPTION", `${this.modelClass} "${this.modelName}" was disposed; load it again.`);
    this.binding.throwIfBroken(this.label);
  }

  private get label(): string {
    return `${this.modelClass} "${this.modelName}"`;
  }

  /**
   * `ready`; `broken` once its compute backend failed fatally (a wasm abort or trap after running out of memory) or
   * was re-created — every later call then throws at once, and the model must be loaded again; `disposed`.
   */
  get state(): ModelState {
    return this.binding.state(this.params.isDisposed);
  }

  /**
   * An error thrown while computing with this model (its forward, or a backward run through it), as the error to
   * report: out-of-memory failures become `OUT_OF_MEMORY` (a wasm abort also makes {@link state} `broken`).
   */
  describeFailure(error: unknown): unknown {
    return this.binding.describeFailure(error, this.label);
  }

  /**
   * Peak memory of one attribution forward (+ backward) of `request`'s shape: the parameter bytes held plus the
   * activations under this model's plan (`recompute`, `attentionChunking`), with the active backend's limit.
   * Constants and formula: `memory/memoryConstants.ts`, `memory/estimateActivationBytes.ts`.
   */
  estimateAttributionMemory(request: AttributionMemoryRequest): AttributionMemoryEstimate {
    this.checkLive();
    const tensors = (this.params as unknown as { tensors?: Map<string, tf.Tensor> }).tensors;
    return estimateTransformersMemory(
      {
        modelClass: this.modelClass, modelType: this.modelType, config: (this as unknown as { config?: unknown }).config,
        recompute: this.recompute, attentionChunking: this.attentionChunking, parameterBytes: tensors ? tensorBytes(tensors.values()) : 0,
      },
      request,
    );
  }

  vocabularyEmbeddings(side: InputSide = "target"): tf.Tensor2D {
    this.checkLive();
    return this.embeddingTable(side);
  }

  embed(ids: tf.Tensor2D, side: InputSide = "target"): tf.Tensor3D {
    this.checkLive();
    const table = this.embeddingTable(side);
    try {
      return tf.tidy(() => {
        const e = tf.gather(table, ids.dtype === "int32" ? ids : tf.cast(ids, "int32")) as unknown as tf.Tensor3D;
        return this.embedScale === 1 ? e : (tf.mul(e, this.embedScale) as tf.Tensor3D);
      });
    } catch (e) {
      throw this.describeFailure(e);
    }
  }

  forward(inputs: ForwardInputs, options: ForwardOptions = {}): ForwardOutput {
    this.checkLive();
    checkForwardInputs(inputs, this);
    const hooks = new LayerHooks(this.names, options, this.modelClass);
    try {
      return tf.tidy(() => {
        const logits = this.run(inputs, hooks);
        return { logits, captured: hooks.finish() };
      }) as ForwardOutput;
    } catch (e) {
      throw this.describeFailure(e);
    }
  }

  layerNames(): string[] {
    return [...this.names];
  }

  dispose(): void {
    this.params.dispose();
  }
}
