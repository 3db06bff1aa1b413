import { useBackend, type BackendName } from "@inseqjs/backend-tfjs";
import { attributeRaw, buildAttributionOutput, getMethod, type AttributeOptions, type AttributionModel, type FeatureAttributionOutput, type ModelState } from "@inseqjs/core";
import { loadTransformersModel, type LoadTransformersModelOptions } from "@inseqjs/transformers";
import "./registerAll.js";

/** Options of {@link loadModel}. */
export interface LoadModelOptions extends LoadTransformersModelOptions {
  /** Compute backend (default "auto": wasm in Node, webgpu → webgl → wasm → cpu in browsers). */
  readonly backend?: BackendName | "auto";
  /** Default method options used by every `attribute` call (`{ nSteps: 20 }`). */
  readonly methodOptions?: Readonly<Record<string, unknown>>;
}

/** Options of {@link InseqModel.attribute}: {@link AttributeOptions} with the method made optional. */
export type InseqAttributeOptions = Omit<AttributeOptions, "method"> & { readonly method?: AttributeOptions["method"] };

/** A model bound to a default attribution method: inseq's `AttributionModel`. */
export class InseqModel {
  constructor(
    /** The underlying model (implements core's contract). */
    readonly model: AttributionModel,
    /** Default method id. */
    readonly method: string,
    private readonly defaults: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Attributes the generation of `inputTexts` (generating greedily when no `generatedTexts` are given). */
  async attribute(inputTexts: string | readonly string[], options: InseqAttributeOptions = {}): Promise<FeatureAttributionOutput> {
    const full: AttributeOptions = { ...this.defaults, ...options, method: options.method ?? this.method };
    const raw = await attributeRaw(this.model, inputTexts, full);
    return buildAttributionOutput(this.model, raw, full);
  }

  /**
   * `ready`; `broken` after its compute backend failed (a wasm abort after running out of memory: every later call
   * throws `OUT_OF_MEMORY` at once — load the model again, after `resetBackend()`); `disposed`.
   */
  get state(): ModelState {
    return this.model.state ?? "ready";
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads a Hugging Face model (local folder or hub id) for attribution with `method` (default saliency), like
 * inseq's `load_model`.
 */
export async function loadModel(nameOrPath: string, method = "saliency", options: LoadModelOptions = {}): Promise<InseqModel> {
  getMethod(method); // fail fast on an unknown id, listing the valid ones
  await useBackend(options.backend ?? "auto");
  const model = await loadTransformersModel(nameOrPath, options);
  return new InseqModel(model, method, options.methodOptions ?? {});
}
