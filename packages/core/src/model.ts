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
  /** Frees the weights. */
  dispose(): void;
}
