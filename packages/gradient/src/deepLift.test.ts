import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { isInseqError, logit } from "@inseqjs/core";
import type { AttributionModel } from "@inseqjs/core";
import { createToyModel } from "@inseqjs/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { DeepLift } from "./deepLift.js";
import { runMethod, scores, step, total, VOCAB } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

/** |Σ attributions − (f(x) − f(b))| per row, recomputed from plain forwards (not the method's own deltas). */
function completenessGaps(s: ReturnType<typeof step>, rule: "gradient" | "rescale"): number[] {
  const [r] = runMethod(new DeepLift(), s, { rule, returnConvergenceDelta: true });
  const fx = scores(s, {});
  const fb = scores(s, { source: s.source?.baselineEmbeds, target: s.attributeTarget ? s.target.baselineEmbeds : undefined });
  return fx.map((v, n) => {
    const sum = total(r.source?.[n] ?? []) + total(r.target?.[n] ?? []);
    expect((r.deltas as number[])[n]).toBeCloseTo(sum - (v - fb[n]), 5);
    return Math.abs(sum - (v - fb[n]));
  });
}

describe("deeplift rule rescale", () => {
  it("sums exactly to f(x) − f(b) on a toy model whose non-linearities are all elementwise (tanh)", () => {
    const causal = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 5, mixer: "mean" });
    const encdec = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 6, mixer: "mean", encoderDecoder: true, embedScale: Math.sqrt(8) });
    const cases = [
      step(causal, { targetIds: [[0, 3, 4, 5, 6], [0, 7, 8]], targetTokenIds: [9, 10], attributedFn: logit }),
      step(encdec, { sourceIds: [[3, 4, 5, 0], [6, 0]], targetIds: [[2, 7], [2, 8]], targetTokenIds: [9, 10], attributeTarget: true, attributedFn: logit }),
    ];
    for (const s of cases) {
      const rescale = completenessGaps(s, "rescale");
      const gradient = completenessGaps(s, "gradient");
      expect(Math.max(...rescale)).toBeLessThan(1e-5);
      // the plain-gradient rule is visibly off on the same model: the test is not vacuous
      expect(Math.max(...gradient)).toBeGreaterThan(1e-3);
      s.dispose();
    }
    causal.dispose();
    encdec.dispose();
  });

  it("differs from the gradient rule and leaves no tensors behind", () => {
    const model = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 11 });
    const s = step(model, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const [rescale] = runMethod(new DeepLift(), s, { rule: "rescale" });
    const [gradient] = runMethod(new DeepLift(), s, {});
    expect(Math.abs(total(rescale.target) - total(gradient.target))).toBeGreaterThan(1e-6);
    s.dispose();
    model.dispose();
  });

  it("fails with INVALID_OPTION on a model without Rescale support, and on a bad rule", () => {
    const toy = createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: 11 });
    const plain: AttributionModel = { ...toy, supportsDeepLiftRescale: undefined };
    const method = new DeepLift();
    const options = method.resolveOptions({ rule: "rescale" });
    const error = (() => {
      try {
        method.hook(plain, options);
      } catch (e) {
        return e;
      }
    })();
    expect(isInseqError(error, "INVALID_OPTION") && /rule "gradient"/.test((error as Error).message)).toBe(true);
    const s = step(plain, { targetIds: [[0, 3, 4]], targetTokenIds: [5] });
    const before = tf.memory().numTensors;
    expect(() => method.attributeStep(s, options)).toThrow(/does not support rule "rescale"/);
    expect(tf.memory().numTensors).toBe(before);
    // a method that skips the check still cannot run the rule: the step's forward refuses it
    expect(() => s.forward({ repeat: 2, deepLiftReference: "rescale" })).toThrow(/does not support DeepLIFT's Rescale rule/);
    expect(() => method.resolveOptions({ rule: "reveal_cancel" })).toThrow(/"gradient", "rescale"/);
    s.dispose();
    toy.dispose();
  });
});
