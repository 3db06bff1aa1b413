import { LAYER_INPUT_SUFFIX, inseqError } from "@inseqjs/core";
import type { AttributionModel, InputSide } from "@inseqjs/core";
import { closestNames } from "@inseqjs/core";

/** An attributed layer: the `capture` / `override` key and the input side whose positions it holds. */
export interface ResolvedLayer {
  /** Module path as given (without the input suffix). */
  readonly name: string;
  /** Key in `capture` / `override`: the name, plus `:input` for the layer's input. */
  readonly key: string;
  /** Whose tokens the activation rows belong to: `source` (encoder side) or `target` (decoder). */
  readonly side: InputSide;
}

/**
 * Side of a layer: everything of decoder-only models is `target`; in encoder-decoders the source embedding layer
 * and every module under an `encoder` path segment (`model.encoder.layers.1`) are `source`, the rest `target`.
 */
export function layerSide(model: AttributionModel, name: string): InputSide {
  if (!model.isEncoderDecoder) return "target";
  if (name === model.embeddingLayers.source) return "source";
  if (name === model.embeddingLayers.target) return "target";
  return name.split(".").includes("encoder") ? "source" : "target";
}

/**
 * Resolves a user's layer name (optionally ending in `:input`) against `model.layerNames()`; an unknown name throws
 * `UNKNOWN_LAYER` listing the closest names.
 */
export function resolveLayer(model: AttributionModel, layer: string, attributeToLayerInput: boolean): ResolvedLayer {
  const input = attributeToLayerInput || layer.endsWith(LAYER_INPUT_SUFFIX);
  const name = layer.endsWith(LAYER_INPUT_SUFFIX) ? layer.slice(0, -LAYER_INPUT_SUFFIX.length) : layer;
  const names = model.layerNames();
  if (!names.includes(name)) {
    const close = closestNames(name, names).map((n) => `"${n}"`).join(", ");
    throw inseqError(
      "UNKNOWN_LAYER",
      `${model.modelClass} has no layer "${name}". Closest names: ${close}. Pass one of model.layerNames() (${names.length} names) as targetLayer.`,
    );
  }
  return { name, key: input ? name + LAYER_INPUT_SUFFIX : name, side: layerSide(model, name) };
}

/**
 * Name of the embedding layer of one side. When both sides share one module (Marian's `model.shared`) and both are
 * attributed, each side needs its own name, since one name may hook only one call per forward: the side's alias
 * `<…encoder|decoder…>.embed_tokens` from `model.layerNames()` (Hugging Face's per-side names of the shared module).
 */
function sideEmbeddingLayer(model: AttributionModel, side: InputSide, shared: boolean): string {
  const { source, target } = model.embeddingLayers;
  const name = side === "source" ? source : target;
  if (!name) throw inseqError("INTERNAL", `${model.modelClass} is an encoder-decoder but names no source embedding layer (embeddingLayers.source).`);
  if (!shared) return name;
  const segment = side === "source" ? "encoder" : "decoder";
  const alias = model.layerNames().find((n) => n.split(".").includes(segment) && n.endsWith(".embed_tokens"));
  if (!alias) {
    throw inseqError(
      "INVALID_OPTION",
      `${model.modelClass} embeds source and target with one module "${name}" and lists no per-side name for it, so both cannot be attributed at once; attribute the source only (attributeTarget false) or pass a targetLayer.`,
    );
  }
  return alias;
}

/**
 * The input-embedding layers attributed by default: the source one for encoder-decoders (plus the target one with
 * `attributeTarget`), the target one for decoder-only models. Their input is token ids, so it cannot be attributed.
 */
export function embeddingLayers(model: AttributionModel, attributeTarget: boolean, attributeToLayerInput: boolean): ResolvedLayer[] {
  if (attributeToLayerInput) {
    throw inseqError(
      "INVALID_OPTION",
      "attributeToLayerInput with the default (input-embedding) layer would attribute token ids, which have no gradient; pass a targetLayer, or leave attributeToLayerInput false.",
    );
  }
  const sides: InputSide[] = model.isEncoderDecoder ? (attributeTarget ? ["source", "target"] : ["source"]) : ["target"];
  const shared = sides.length === 2 && model.embeddingLayers.source === model.embeddingLayers.target;
  return sides.map((side) => {
    const name = sideEmbeddingLayer(model, side, shared);
    return { name, key: name, side };
  });
}
