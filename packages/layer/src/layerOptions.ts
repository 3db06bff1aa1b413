import { APPROXIMATION_METHODS } from "@inseqjs/core";
import type { ApproximationMethod } from "@inseqjs/core";
import type { OptionReader } from "@inseqjs/core";

/** Options every layer method takes: which layer, and its output or its input. */
export interface LayerOptions {
  /**
   * Hugging Face module path of the attributed layer (`transformer.h.0`, `model.encoder.layers.1`), one of
   * `model.layerNames()`. Default: the input-embedding layer(s), whose output is taken before `embedScale`.
   */
  readonly targetLayer?: string;
  /** Attribute to the layer's input instead of its output (Captum's `attribute_to_layer_input`). Default false. */
  readonly attributeToLayerInput: boolean;
}

/** Option names of {@link LayerOptions}. */
export const LAYER_OPTION_NAMES = ["targetLayer", "attributeToLayerInput"] as const;

/** Reads {@link LayerOptions}. */
export function readLayerOptions(read: OptionReader): LayerOptions {
  return { targetLayer: read.optionalString("targetLayer"), attributeToLayerInput: read.boolean("attributeToLayerInput", false) };
}

/** Options of the path method (layer integrated gradients), on top of {@link LayerOptions}. */
export interface LayerPathOptions extends LayerOptions {
  /** Number of path points. Default 50. */
  readonly nSteps: number;
  /** Integral approximation (Captum's names). Default `"gausslegendre"`. */
  readonly method: ApproximationMethod;
  /** Multiply the integrated gradients by `(a_x − a_b)`. Default true. */
  readonly multiplyByInputs: boolean;
  /** Rows (path points × batch) per forward, as Captum's `internal_batch_size`; same results, bounded memory. */
  readonly internalBatchSize?: number;
  /** Also return `Σ attr − (f(x) − f(b))` per row as the `deltas` step score. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/** Option names of {@link LayerPathOptions}. */
export const LAYER_PATH_OPTION_NAMES = [...LAYER_OPTION_NAMES, "nSteps", "method", "multiplyByInputs", "internalBatchSize", "returnConvergenceDelta"] as const;

/** Reads {@link LayerPathOptions} with inseq's defaults; Riemann rules need `nSteps > 1`. */
export function readLayerPathOptions(read: OptionReader): LayerPathOptions {
  const method = read.choice("method", APPROXIMATION_METHODS, "gausslegendre");
  return {
    ...readLayerOptions(read),
    nSteps: read.integer("nSteps", 50, method === "gausslegendre" ? 1 : 2),
    method,
    multiplyByInputs: read.boolean("multiplyByInputs", true),
    internalBatchSize: read.optionalInteger("internalBatchSize", 1),
    returnConvergenceDelta: read.boolean("returnConvergenceDelta", false),
  };
}
