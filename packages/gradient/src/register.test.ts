import { describeMethods, getMethod, isInseqError, listMethods } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { GRADIENT_METHODS, registerGradientMethods } from "./index.js";

const ids = ["deeplift", "gradient_shap", "input_x_gradient", "integrated_gradients", "saliency", "sequential_integrated_gradients"];

/** Expects `fn` to throw INVALID_OPTION with a message matching `pattern`. */
function rejects(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe("registration", () => {
  it("importing the package registers every method under its inseq id, idempotently", () => {
    expect(listMethods()).toEqual(expect.arrayContaining(ids));
    registerGradientMethods();
    expect(GRADIENT_METHODS.map((m) => m.methodName).sort()).toEqual(ids);
    for (const id of ids) {
      const method = getMethod(id);
      expect(method.methodName).toBe(id);
      expect(method.attributesIds).toBe(false);
      expect(method.usesBaselines).toBe(!["saliency", "input_x_gradient"].includes(id));
      expect(describeMethods().find((d) => d.methodName === id)?.description.length).toBeGreaterThan(10);
    }
    expect(getMethod("gradient_shap")).not.toBe(getMethod("gradient_shap")); // a fresh instance per run
  });
});

describe("options", () => {
  it("fill inseq's defaults", () => {
    expect(getMethod("saliency").resolveOptions({})).toEqual({ abs: true });
    expect(getMethod("input_x_gradient").resolveOptions({})).toEqual({});
    const path = { nSteps: 50, method: "gausslegendre", multiplyByInputs: true, internalBatchSize: undefined, returnConvergenceDelta: false };
    expect(getMethod("integrated_gradients").resolveOptions({})).toEqual(path);
    expect(getMethod("sequential_integrated_gradients").resolveOptions({})).toEqual(path);
    expect(getMethod("deeplift").resolveOptions({})).toEqual({ rule: "gradient", multiplyByInputs: true, returnConvergenceDelta: false });
    expect(getMethod("gradient_shap").resolveOptions({})).toMatchObject({ nSamples: 5, stdevs: 0, seed: undefined, alphas: undefined, multiplyByInputs: true });
  });

  it("accept inseq's snake_case names", () => {
    expect(getMethod("integrated_gradients").resolveOptions({ n_steps: 7, internal_batch_size: 3, return_convergence_delta: true })).toMatchObject({
      nSteps: 7,
      internalBatchSize: 3,
      returnConvergenceDelta: true,
    });
    rejects(() => getMethod("integrated_gradients").resolveOptions({ n_steps: 7, nSteps: 8 }), /given twice/);
    // null / undefined mean "default", like Python's None
    expect(getMethod("deeplift").resolveOptions({ multiplyByInputs: null, returnConvergenceDelta: undefined })).toEqual({ rule: "gradient", multiplyByInputs: true, returnConvergenceDelta: false });
  });

  it("reject wrong types, naming the option and the expected type", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["saliency", { abs: "yes" }, /"abs" must be a boolean/],
      ["integrated_gradients", { nSteps: 0 }, /"nSteps" must be an integer ≥ 1/],
      ["integrated_gradients", { nSteps: 2.5 }, /"nSteps" must be an integer/],
      ["integrated_gradients", { method: "riemann_left", nSteps: 1 }, /"nSteps" must be an integer ≥ 2/],
      ["integrated_gradients", { method: "simpson" }, /"method" must be one of "gausslegendre", "riemann_left"/],
      ["integrated_gradients", { internalBatchSize: 0 }, /"internalBatchSize" must be an integer ≥ 1/],
      ["integrated_gradients", { multiplyByInputs: 1 }, /"multiplyByInputs" must be a boolean/],
      ["sequential_integrated_gradients", { returnConvergenceDelta: "true" }, /"returnConvergenceDelta" must be a boolean/],
      ["deeplift", { multiplyByInputs: "no" }, /"multiplyByInputs" must be a boolean/],
      ["gradient_shap", { nSamples: -2 }, /"nSamples" must be an integer ≥ 1/],
      ["gradient_shap", { stdevs: -0.1 }, /"stdevs" must be a finite number ≥ 0/],
      ["gradient_shap", { stdevs: "0.1" }, /"stdevs" must be a finite number/],
    ];
    for (const [id, raw, pattern] of cases) rejects(() => getMethod(id).resolveOptions(raw), pattern);
  });

  it("reject unknown options, listing the valid ones", () => {
    rejects(() => getMethod("saliency").resolveOptions({ nSteps: 5 }), /saliency has no option "nSteps"; valid options: abs/);
    rejects(() => getMethod("input_x_gradient").resolveOptions({ abs: true }), /input_x_gradient has no option "abs"; valid options: \(none\)/);
    rejects(() => getMethod("integrated_gradients").resolveOptions({ nstep: 5 }), /no option "nstep"; valid options: nSteps, method/);
  });
});
