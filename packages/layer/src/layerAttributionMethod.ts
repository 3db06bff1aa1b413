import type { AttributionMethod, AttributionModel, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import type { LayerOptions } from "./layerOptions.js";
import { embeddingLayers, resolveLayer } from "./resolveLayer.js";
import type { ResolvedLayer } from "./resolveLayer.js";

/**
 * Base of the layer methods: resolves `targetLayer` against the model in `hook` (failing before any work), and gives
 * each step the layers to attribute. Subclasses implement `resolveOptions` and `attributeStep` only.
 */
export abstract class LayerAttributionMethod<TOptions extends LayerOptions> implements AttributionMethod<TOptions> {
  abstract readonly methodName: string;
  abstract readonly usesBaselines: boolean;
  readonly attributesIds = true;
  private hooked?: { model: AttributionModel; options: TOptions; layer?: ResolvedLayer };

  abstract resolveOptions(raw: RawMethodOptions): TOptions;
  abstract attributeStep(step: AttributionStepInputs, options: TOptions): StepAttribution;

  /** Resolves the target layer (`UNKNOWN_LAYER` with close matches when the model has no such layer). */
  hook(model: AttributionModel, options: TOptions): void {
    const layer = options.targetLayer === undefined ? undefined : resolveLayer(model, options.targetLayer, options.attributeToLayerInput);
    if (!layer) embeddingLayers(model, false, options.attributeToLayerInput); // validates the default
    this.hooked = { model, options, layer };
  }

  unhook(): void {
    this.hooked = undefined;
  }

  /** The layers attributed at `step`: the target layer, or the input-embedding layer(s) of the attributed sides. */
  protected layersOf(step: AttributionStepInputs, options: TOptions): ResolvedLayer[] {
    const hooked = this.hooked?.model === step.model && this.hooked.options === options ? this.hooked : undefined;
    if (options.targetLayer === undefined) return embeddingLayers(step.model, step.attributeTarget, options.attributeToLayerInput);
    return [hooked?.layer ?? resolveLayer(step.model, options.targetLayer, options.attributeToLayerInput)];
  }
}
