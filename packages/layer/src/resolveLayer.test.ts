import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { isInseqError } from "@inseqjs/core";
import type { AttributionMethod, AttributionModel, InseqErrorCode } from "@inseqjs/core";
import { makeStepInputs } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { closestNames, editDistance } from "@inseqjs/core";
import { LayerDeepLift } from "./layerDeepLift.js";
import { LayerGradientXActivation } from "./layerGradientXActivation.js";
import { LayerIntegratedGradients } from "./layerIntegratedGradients.js";
import { embeddingLayers, layerSide, resolveLayer } from "./resolveLayer.js";
import { toyModels } from "./testing/runLayerMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

function fails(fn: () => unknown, code: InseqErrorCode, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isInseqError(e, code)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

/** A model that only answers names (for HF-style layer paths). */
const named = (names: string[], encoderDecoder: boolean, embeddingLayers: AttributionModel["embeddingLayers"]) =>
  ({ modelClass: "Named", isEncoderDecoder: encoderDecoder, embeddingLayers, layerNames: () => names }) as unknown as AttributionModel;

describe("layer resolution", () => {
  it("unknown layers throw UNKNOWN_LAYER from hook, listing the closest names", () => {
    const { causal } = toyModels();
    for (const method of [new LayerIntegratedGradients(), new LayerGradientXActivation(), new LayerDeepLift()] as AttributionMethod<any>[]) {
      fails(() => method.hook!(causal, method.resolveOptions({ targetLayer: "layers.3" }), { targetIds: [], targetBaselineIds: [], attributeTarget: true }), "UNKNOWN_LAYER", /no layer "layers.3". Closest names: "layers.0", "layers.1", "embed"/);
    }
    fails(() => resolveLayer(causal, "embd:input", false), "UNKNOWN_LAYER", /no layer "embd". Closest names: "embed"/);
    const gpt2 = named(["transformer.wte", "transformer.wpe", "transformer.h.0", "transformer.h.0.attn", "transformer.h.1", "transformer.ln_f"], false, { target: "transformer.wte" });
    fails(() => resolveLayer(gpt2, "transformer.h.00", false), "UNKNOWN_LAYER", /Closest names: "transformer.h.0", "transformer.h.1", "transformer.wte"/);
    causal.dispose();
  });

  it("decides the side from the name: encoder paths and the source embedding are source, the rest target", () => {
    const marian = named(
      ["model.shared", "model.encoder.embed_tokens", "model.encoder.layers.1", "model.encoder.layers.1.self_attn", "model.decoder.embed_tokens", "model.decoder.layers.0"],
      true,
      { source: "model.shared", target: "model.shared" },
    );
    expect(resolveLayer(marian, "model.encoder.layers.1.self_attn", false)).toEqual({ name: "model.encoder.layers.1.self_attn", key: "model.encoder.layers.1.self_attn", side: "source" });
    expect(resolveLayer(marian, "model.encoder.layers.1", true)).toEqual({ name: "model.encoder.layers.1", key: "model.encoder.layers.1:input", side: "source" });
    expect(layerSide(marian, "model.decoder.layers.0")).toBe("target");
    expect(layerSide(marian, "model.decoder.embed_tokens")).toBe("target");
    expect(layerSide(marian, "model.encoder.embed_tokens")).toBe("source");
    expect(layerSide(marian, "model.shared")).toBe("source"); // only the encoder runs it when the decoder gets embeddings
    const gpt2 = named(["transformer.wte", "transformer.h.0"], false, { target: "transformer.wte" });
    expect(resolveLayer(gpt2, "transformer.h.0:input", false)).toEqual({ name: "transformer.h.0", key: "transformer.h.0:input", side: "target" });
    expect(embeddingLayers(gpt2, false, false)).toEqual([{ name: "transformer.wte", key: "transformer.wte", side: "target" }]);
    expect(embeddingLayers(marian, false, false)).toEqual([{ name: "model.shared", key: "model.shared", side: "source" }]);
    // a shared embedding module attributed on both sides is addressed by its per-side aliases
    expect(embeddingLayers(marian, true, false)).toEqual([
      { name: "model.encoder.embed_tokens", key: "model.encoder.embed_tokens", side: "source" },
      { name: "model.decoder.embed_tokens", key: "model.decoder.embed_tokens", side: "target" },
    ]);
    const unshared = named(["enc.emb", "dec.emb"], true, { source: "enc.emb", target: "dec.emb" });
    expect(embeddingLayers(unshared, true, false).map((l) => [l.key, l.side])).toEqual([["enc.emb", "source"], ["dec.emb", "target"]]);
    const noAlias = named(["shared", "encoder.layers.0"], true, { source: "shared", target: "shared" });
    fails(() => embeddingLayers(noAlias, true, false), "INVALID_OPTION", /one module "shared" and lists no per-side name/);
  });

  it("rejects attributing token ids and activations that are not one vector per token", () => {
    const { causal } = toyModels();
    const method = new LayerIntegratedGradients();
    fails(() => method.hook(causal, method.resolveOptions({ attributeToLayerInput: true })), "INVALID_OPTION", /would attribute token ids/);
    const s = makeStepInputs(causal, { targetIds: [[0, 3, 4]], targetTokenIds: [5] });
    const start = tf.memory().numTensors;
    fails(() => method.attributeStep(s, method.resolveOptions({ targetLayer: "embed:input" })), "INVALID_OPTION", /"embed:input" carries int32 values \(token ids\)/);
    expect(tf.memory().numTensors).toBe(start);
    s.dispose();
    causal.dispose();
  });

  it("edit distance and closest names", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(closestNames("layer.1", ["embed", "layers.0", "layers.1"], 2)).toEqual(["layers.1", "layers.0"]);
  });
});
