import type * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel } from "./model.js";

/** One attributed input stream of a step, all tensors owned by the step loop (do not dispose). */
export interface AttributedSide {
  /** `(batch, len)` int32 token ids. */
  readonly ids: tf.Tensor2D;
  /** `(batch, len, hidden)` input embeddings (× embedScale). */
  readonly embeds: tf.Tensor3D;
  /** `(batch, len)` int32 baseline ids (UNK everywhere, EOS kept unless `includeEosBaseline`). */
  readonly baselineIds: tf.Tensor2D;
  /** `(batch, len, hidden)` baseline embeddings = embed(baselineIds). */
  readonly baselineEmbeds: tf.Tensor3D;
  /** `(batch, len)` float32 padding mask (1 = real token). */
  readonly mask: tf.Tensor2D;
}

/**
 * Inputs of one scored forward pass inside a step. Tensors hold `repeat` stacked copies of the step batch,
 * copy-major (rows `[copy0: b0..bB-1, copy1: b0..bB-1, ...]`), as Captum expands inputs along a path.
 * Anything left out is taken from the step (tiled `repeat` times).
 */
export interface StepForwardInputs {
  /** Number of stacked copies of the step batch in the given tensors (default 1). */
  readonly repeat?: number;
  readonly sourceEmbeds?: tf.Tensor3D;
  readonly targetEmbeds?: tf.Tensor3D;
  /** Ids instead of embeddings (layer methods): the model runs its own embedding layer. */
  readonly sourceIds?: tf.Tensor2D;
  readonly targetIds?: tf.Tensor2D;
  readonly capture?: readonly string[];
  readonly override?: Readonly<Record<string, tf.Tensor>>;
  /**
   * `"rescale"`: the given rows are `[inputs; references]` halves (an even `repeat`) and the model applies DeepLIFT's
   * Rescale rule to its elementwise non-linearities ({@link ForwardOptions.deepLiftReference}).
   */
  readonly deepLiftReference?: "rescale";
}

/** Output of {@link AttributionStepInputs.forward}. */
export interface StepForwardOutput {
  /** `(repeat × batch)` value of the attributed function (default: probability of the step's target token). */
  readonly scores: tf.Tensor1D;
  /** `(repeat × batch, vocab)` logits at the last position. */
  readonly logits: tf.Tensor2D;
  readonly captured: Readonly<Record<string, tf.Tensor>>;
}

/** Everything a method needs to attribute one generation step of a batch. */
export interface AttributionStepInputs {
  readonly model: AttributionModel;
  readonly batchSize: number;
  /** Encoder input (encoder-decoder models); always attributed there. */
  readonly source?: AttributedSide;
  /** Decoder prefix `[0, t)`. */
  readonly target: AttributedSide;
  /** Whether source attributions are wanted (true for encoder-decoder models). */
  readonly attributeSource: boolean;
  /** Whether target-prefix attributions are wanted (always for decoder-only; `attributeTarget` otherwise). */
  readonly attributeTarget: boolean;
  /** `(batch)` int32 ids of the tokens being explained at this step. */
  readonly targetTokenIds: tf.Tensor1D;
  /** Differentiable forward + attributed function. Call inside the method's own `tf.tidy` / gradient function. */
  forward(inputs?: StepForwardInputs): StepForwardOutput;
}

/** Result of {@link AttributionMethod.attributeStep}; tensors are handed to (and disposed by) the step loop. */
export interface StepAttribution {
  /** `(batch, srcLen, dim)` per-dimension source attributions, when `attributeSource`. */
  readonly source?: tf.Tensor3D;
  /** `(batch, prefixLen, dim)` per-dimension target-prefix attributions, when `attributeTarget`. */
  readonly target?: tf.Tensor3D;
  /** `(batch)` or `(batch, k)` convergence deltas, stored as the step score `deltas`. */
  readonly deltas?: tf.Tensor;
}

/** Token ids of a whole attribution run, given to {@link AttributionMethod.hook}. */
export interface MethodHookContext {
  /** Source ids per sequence (encoder-decoder). */
  readonly sourceIds?: readonly (readonly number[])[];
  /** Full target ids per sequence (decoder-only: prompt + generation; encoder-decoder: start + generation). */
  readonly targetIds: readonly (readonly number[])[];
  /** Baseline ids, aligned with the ids above. */
  readonly sourceBaselineIds?: readonly (readonly number[])[];
  readonly targetBaselineIds: readonly (readonly number[])[];
  /** Whether target prefixes are attributed (always for decoder-only models; `attributeTarget` otherwise). */
  readonly attributeTarget: boolean;
}

/** Method options as a user passes them (CLI `--attribution-args`, `attribute(..., { nSteps })`). */
export type RawMethodOptions = Readonly<Record<string, unknown>>;

/**
 * A feature-attribution method. The built-in methods implement it exactly as a plugin does: subclass or
 * implement, then `registerMethod`.
 */
export interface AttributionMethod<TOptions = unknown> {
  /** inseq's id (`integrated_gradients`). */
  readonly methodName: string;
  /** Whether the method uses baselines (and so baseline embeddings must be built). */
  readonly usesBaselines: boolean;
  /** Layer methods attribute a layer reached from ids rather than input embeddings. */
  readonly attributesIds: boolean;
  /** Validates raw options and fills defaults; throws `InseqError("INVALID_OPTION")` naming the bad option. */
  resolveOptions(raw: RawMethodOptions): TOptions;
  /**
   * Called once before the step loop with every token id the run will see (e.g. to resolve a layer name, or to
   * build DIG paths and load caches asynchronously).
   */
  hook?(model: AttributionModel, options: TOptions, context: MethodHookContext): void | Promise<void>;
  /** Called once after the step loop, even when it failed. */
  unhook?(): void;
  /**
   * Optional: rows of the largest forward that `attributeStep` runs for a step of `batch` rows (path points per
   * forward × batch; DeepLIFT's inputs and references: 2 × batch). The step loop's memory check uses it; absent, it
   * reads `nSteps` / `nSamples` and `internalBatchSize` from the options (Captum's `internal_batch_size` chunking).
   */
  forwardRows?(options: TOptions, batch: number): number;
  /** Attributes one step. Synchronous: tensors in, tensors out; wrap work in `tf.tidy`. */
  attributeStep(step: AttributionStepInputs, options: TOptions): StepAttribution;
}
