import { describeMethods, getMethod, isInseqError, listMethods } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { LAYER_METHODS, registerLayerMethods } from "./index.js";

const ids = ["layer_deeplift", "layer_gradient_x_activation", "layer_integrated_gradients"];

function rejects(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe("registration and options", () => {
  it("importing the package registers the three layer methods, idempotently, as fresh instances", () => {
    expect(listMethods()).toEqual(expect.arrayContaining(ids));
    registerLayerMethods();
    expect(LAYER_METHODS.map((m) => m.methodName).sort()).toEqual(ids);
    for (const id of ids) {
      const method = getMethod(id);
      expect(method.methodName).toBe(id);
      expect(method.attributesIds).toBe(true);
      expect(method.usesBaselines).toBe(id !== "layer_gradient_x_activation");
      expect(describeMethods().find((d) => d.methodName === id)?.description.length).toBeGreaterThan(10);
    }
    expect(getMethod("layer_deeplift")).not.toBe(getMethod("layer_deeplift"));
  });

  it("fill Captum's defaults and accept inseq's snake_case names", () => {
    const layer = { targetLayer: undefined, attributeToLayerInput: false };
    expect(getMethod("layer_integrated_gradients").resolveOptions({})).toEqual({
      ...layer, nSteps: 50, method: "gausslegendre", multiplyByInputs: true, internalBatchSize: undefined, returnConvergenceDelta: false,
    });
    expect(getMethod("layer_gradient_x_activation").resolveOptions({})).toEqual({ ...layer, multiplyByInputs: true });
    expect(getMethod("layer_deeplift").resolveOptions({})).toEqual({ ...layer, multiplyByInputs: true, returnConvergenceDelta: false });
    expect(
      getMethod("layer_integrated_gradients").resolveOptions({ target_layer: "transformer.h.0", attribute_to_layer_input: true, n_steps: 7, internal_batch_size: 3 }),
    ).toMatchObject({ targetLayer: "transformer.h.0", attributeToLayerInput: true, nSteps: 7, internalBatchSize: 3 });
    expect(getMethod("layer_deeplift").resolveOptions({ targetLayer: null })).toMatchObject({ targetLayer: undefined });
  });

  it("reject wrong types and unknown options, naming them", () => {
    rejects(() => getMethod("layer_integrated_gradients").resolveOptions({ targetLayer: 3 }), /"targetLayer" must be a non-empty string/);
    rejects(() => getMethod("layer_deeplift").resolveOptions({ targetLayer: "" }), /"targetLayer" must be a non-empty string/);
    rejects(() => getMethod("layer_gradient_x_activation").resolveOptions({ attributeToLayerInput: "yes" }), /"attributeToLayerInput" must be a boolean/);
    rejects(() => getMethod("layer_integrated_gradients").resolveOptions({ method: "riemann_left", nSteps: 1 }), /"nSteps" must be an integer ≥ 2/);
    rejects(() => getMethod("layer_integrated_gradients").resolveOptions({ internalBatchSize: 0 }), /"internalBatchSize" must be an integer ≥ 1/);
    rejects(() => getMethod("layer_gradient_x_activation").resolveOptions({ nSteps: 5 }), /layer_gradient_x_activation has no option "nSteps"; valid options: targetLayer/);
    rejects(() => getMethod("layer_deeplift").resolveOptions({ layer: "x" }), /no option "layer"/);
    rejects(() => getMethod("layer_deeplift").resolveOptions({ target_layer: "a", targetLayer: "b" }), /given twice/);
  });
});
