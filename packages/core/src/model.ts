import type * as tf from "@tensorflow/tfjs-core";

/** Which input of an encoder-decoder a tensor belongs to. Decoder-only models only have a `target`. */
export type InputSide = "source" | "target";

/** Ids of the special tokens the step loop needs (undefined where the model has none). */
export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
  readonly unk?: number;
  /** First decoder input of encoder-decoder models (`decoder_start_token_id`). */
  readonly decoderStart?: number;
}

/** The tokenizer side of an {@link AttributionModel}. */
export interface AttributionTokenizer {
  /**
   * Token ids of `text`. With `addSpecialTokens` (default true) the tokenizer's post-processor runs
   * (Marian appends `</s>`; GPT-2 adds nothing).
   */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  /** Text of `ids`. */
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** Token strings of `ids`, as the vocabulary spells them (`Ġthe`, `▁house`). */
  convertIdsToTokens(ids: readonly number[]): string[];
  /** Ids that the tokenizer marks as special (bos, eos, pad, unk, added special tokens). */
  readonly specialIds: ReadonlySet<number>;
  /** Class name reported in saved files (inseq's `tokenizer_class`). */
  readonly className?: string;
}

/** One input stream of a forward pass: embeddings (already × embedScale) or ids, plus an optional padding mask. */
export interface ForwardStream {
  /** `(batch, len, hidden)` input embeddings, already multiplied by `embedScale`. Takes precedence over `ids`. */
  readonly embeds?: tf.Tensor3D;
  /** `(batch, len)` int32 token ids; the model embeds them through its embedding layer (capturable, overridable). */
  readonly ids?: tf.Tensor2D;
  /**
   * `(batch, len)` float32, 1 for real tokens and 0 for padding. Decoder-only inputs are left-padded and derive
   * their position ids from the mask (cumsum − 1), so a padded row computes exactly what the unpadded row does.
   */
  readonly mask?: tf.Tensor2D;
}

/** Inputs of {@link AttributionModel.forward}. */
export interface ForwardInputs {
  /** Encoder input (encoder-decoder models only). */
  readonly source?: ForwardStream;
  /** Decoder input: the prefix whose next token is being explained. */
  readonly target: ForwardStream;
}

/**
 * Layer access during a forward pass — Captum's forward hooks done functionally. Keys are Hugging Face module
 * paths (`transformer.wte`, `transformer.h.3.mlp`, `model.encoder.layers.1.self_attn`). A key names the module's
 * output; `name + LAYER_INPUT_SUFFIX` names its (first) input.
 */
export interface ForwardOptions {
  /** Layers whose output (or input) tensor is returned in `captured`. */
  readonly capture?: readonly string[];
  /** Replaces a layer's output (or input) with the given tensor, which must have the same shape. */
  readonly override?: Readonly<Record<string, tf.Tensor>>;
  /**
   * `"rescale"`: the batch is two halves, `[inputs; references]`, and every elementwise non-linearity applies
   * DeepLIFT's Rescale rule to its gradient (secant slope between the halves). Only for models whose
   * {@link AttributionModel.supportsDeepLiftRescale} is true.
   */
  readonly deepLiftReference?: "rescale";
}

/** Suffix that turns a layer name into the name of its input in `capture` / `override`. */
export const LAYER_INPUT_SUFFIX = ":input";

/** Output of {@link AttributionModel.forward}. */
export interface ForwardOutput {
  /** `(batch, vocab)` logits at the last target position only. */
  readonly logits: tf.Tensor2D;
  /** Captured layer tensors by requested name. */
  readonly captured: Readonly<Record<string, tf.Tensor>>;
}

/** Shape of the largest forward (+ backward) an attribution will run, given to {@link AttributionModel.estimateAttributionMemory}. */
export interface AttributionMemoryRequest {
  /** Rows of one forward: sequences (or stacked steps) × path points per forward (`internalBatchSize`), × 2 for DeepLIFT. */
  readonly batch: number;
  /** Encoder input length (encoder-decoder models). */
  readonly sourceLength?: number;
  /** Decoder input length (the longest prefix of the run). */
  readonly targetLength: number;
  /** Whether a backward pass runs (gradient methods: true; step scores only: false). */
  readonly gradients: boolean;
}

/**
 * Peak memory of one forward (+ backward) of {@link AttributionMemoryRequest}'s shape, and what the compute backend
 * can hold. The limit travels with the estimate because core may not import the backend adapter: the model, which
 * knows the backend its weights live on, reports both, and the step loop compares them before anything runs.
 */
export interface AttributionMemoryEstimate {
  /** Peak bytes of the pass: the weights plus the activations. */
  readonly bytes: number;
  /** `bytes` by part (`weights`, `savedActivations`, `workingSet`, `logits`...), each in bytes. */
  readonly breakdown: Readonly<Record<string, number>>;
  /** Part of `bytes` already allocated now (the weights): it is counted in `inUseBytes` as well. */
  readonly residentBytes: number;
  /** How the model will run the pass (e.g. "blocks recomputed in the backward, attention in chunks of 256 query rows"). */
  readonly plan?: string;
  /** The largest single tensor of the pass (bytes), checked against `maxTensorBytes`. */
  readonly largestTensorBytes?: number;
  /** Total bytes the backend can hold; absent when unknown (then nothing is checked). */
  readonly limitBytes?: number;
  /** How the limit was found (`wasm-heap-max`, `environment`, `default`...). */
  readonly limitSource?: string;
  /** Bytes the backend holds now (every tensor, the weights included). */
  readonly inUseBytes?: number;
  /** The largest single tensor the backend accepts, where known. */
  readonly maxTensorBytes?: number;
  /** The backend's name (`wasm`, `webgpu`...). */
  readonly backend?: string;
}

/**
 * Whether a model can compute: `ready`; `broken` — its compute backend failed fatally (a wasm abort or trap after
 * running out of memory) and every later call fails fast: load the model again; `disposed` — `dispose()` was called.
 */
export type ModelState = "ready" | "broken" | "disposed";

/**
 * A sequence-generation model that inseq.js can attribute. `@inseqjs/transformers` implements it for Hugging Face
 * architectures; anything else (a hand-written model in a test, a plugin's model) can implement it too.
 */
export interface AttributionModel {
  /** Name or path the model was loaded from (inseq's `model_name`). */
  readonly modelName: string;
  /** Hugging Face class name (`GPT2LMHeadModel`, `MarianMTModel`), reported in saved files. */
  readonly modelClass: string;
  readonly isEncoderDecoder: boolean;
  readonly tokenizer: AttributionTokenizer;
  readonly specialTokens: SpecialTokenIds;
  /** Factor the embedding layer's output is multiplied by (√d_model for Marian, 1 for GPT-2). */
  readonly embedScale: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  /** Longest input the model accepts (positions), per side. */
  readonly maxPositions: number;
  /** Names of the input-embedding layers: the default layer of the layer methods. */
  readonly embeddingLayers: { readonly source?: string; readonly target: string };
  /**
   * Encoder-decoder only, optional: the decoder ids that every target starts with, as Hugging Face generation builds
   * them — `[decoder_start_token_id]`, followed by the forced first token (`forced_bos_token_id`: the target language
   * of M2M-100 / NLLB / mBART-50, `<s>` of BART) where the model has one. The step loop uses
   * `[specialTokens.decoderStart]` when this is absent; positions of the prefix are not attributed by default.
   */
  decoderPrefix?(): number[];
  /** `(vocab, hidden)` embedding matrix of `side`, *not* scaled by `embedScale`. Owned by the model: do not dispose. */
  vocabularyEmbeddings(side?: InputSide): tf.Tensor2D;
  /** Ids → embeddings × embedScale, `(batch, len, hidden)`. */
  embed(ids: tf.Tensor2D, side?: InputSide): tf.Tensor3D;
  /** Differentiable forward pass; logits at the last target position only. */
  forward(inputs: ForwardInputs, options?: ForwardOptions): ForwardOutput;
  /** Whether `forward` honours {@link ForwardOptions.deepLiftReference} (DeepLIFT's Rescale rule); absent = no. */
  readonly supportsDeepLiftRescale?: boolean;
  /** Every name accepted by `capture` / `override` (without the input suffix). */
  layerNames(): string[];
  /**
   * Optional: peak memory of one attribution forward (+ backward) of `request`'s shape, with the backend's limit.
   * The step loop calls it before an attribution runs and throws `OUT_OF_MEMORY` when the largest pass of the run
   * cannot fit; absent = no check.
   */
  estimateAttributionMemory?(request: AttributionMemoryRequest): AttributionMemoryEstimate;
  /** Optional: whether the model can still compute ({@link ModelState}); absent = always `ready`. */
  readonly state?: ModelState;
  /**
   * Optional: turns an error thrown while computing with this model (the forward, or a backward the step loop ran
   * through it) into the error to report, recording fatal backend failures so that {@link state} becomes `broken`.
   * Absent: the step loop applies core's `asOutOfMemoryError`.
   */
  describeFailure?(error: unknown): unknown;
  /** Frees the weights. */
  dispose(): void;
}
