import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import type { AttributionStepInputs, InputSide } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { DeepLift } from "./deepLift.js";
import { InputXGradient } from "./inputXGradient.js";
import { Saliency } from "./saliency.js";
import { maxAbs, maxAbsDiff, runMethod, scores, step, toyModels, total } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

/** Central finite differences of every row's score w.r.t. every embedding coordinate of `side`. */
function finiteDifferences(s: AttributionStepInputs, side: InputSide, h = 3e-3): number[][][] {
  const own = side === "source" ? s.source! : s.target;
  const x = own.embeds.arraySync();
  const at = (b: number, i: number, j: number, delta: number) => {
    const moved = x.map((row) => row.map((v) => [...v]));
    moved[b][i][j] += delta;
    const t = tf.tensor3d(moved);
    const f = scores(s, { [side]: t })[b];
    t.dispose();
    return f;
  };
  return x.map((row, b) => row.map((v, i) => v.map((_, j) => (at(b, i, j, h) - at(b, i, j, -h)) / (2 * h))));
}

describe("saliency", () => {
  it("equals central finite differences of the target probability (decoder-only and encoder source)", () => {
    const { causal, encdec } = toyModels();
    const cases: [AttributionStepInputs, InputSide][] = [
      [step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] }), "target"],
      [step(encdec, { sourceIds: [[3, 4, 5, 0]], targetIds: [[2, 6]], targetTokenIds: [7] }), "source"],
    ];
    for (const [s, side] of cases) {
      const fd = finiteDifferences(s, side);
      const [plain] = runMethod(new Saliency(), s, { abs: false });
      const [abs] = runMethod(new Saliency(), s);
      const grad = plain[side]!;
      expect(maxAbs(grad)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(grad, fd)).toBeLessThan(2e-3 * maxAbs(grad));
      expect(maxAbsDiff(abs[side], grad.map((r) => r.map((v) => v.map(Math.abs))))).toBe(0);
      expect(plain.deltas).toBeUndefined();
    }
    cases.forEach(([s]) => (s as ReturnType<typeof step>).dispose());
  });

  it("attributes source and target prefix when the step asks for both", () => {
    const { encdec } = toyModels();
    const s = step(encdec, { sourceIds: [[3, 4, 0]], targetIds: [[2, 6, 7]], targetTokenIds: [8], attributeTarget: true });
    const [r] = runMethod(new Saliency(), s);
    expect(r.source![0]).toHaveLength(3);
    expect(r.target![0]).toHaveLength(3);
    expect(maxAbs(r.target)).toBeGreaterThan(0);
    s.dispose();
  });
});

describe("input_x_gradient and deeplift", () => {
  it("input_x_gradient = x · ∂f/∂x", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const [grad] = runMethod(new Saliency(), s, { abs: false });
    const [ixg] = runMethod(new InputXGradient(), s);
    const x = s.target.embeds.arraySync();
    expect(maxAbsDiff(ixg.target, grad.target!.map((r, b) => r.map((v, i) => v.map((g, j) => g * x[b][i][j]))))).toBeLessThan(1e-7);
    s.dispose();
  });

  it("deeplift = (x − b) · ∇f(x), with deltas Σattr − (f(x) − f(b))", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const [grad] = runMethod(new Saliency(), s, { abs: false });
    const [dl] = runMethod(new DeepLift(), s, { returnConvergenceDelta: true });
    const x = s.target.embeds.arraySync();
    const b = s.target.baselineEmbeds.arraySync();
    expect(maxAbsDiff(dl.target, grad.target!.map((r, n) => r.map((v, i) => v.map((g, j) => g * (x[n][i][j] - b[n][i][j])))))).toBeLessThan(1e-7);
    const fx = scores(s, {})[0];
    const fb = scores(s, { target: s.target.baselineEmbeds })[0];
    expect((dl.deltas as number[])[0]).toBeCloseTo(total(dl.target) - (fx - fb), 6);
    const [multipliers] = runMethod(new DeepLift(), s, { multiplyByInputs: false });
    expect(maxAbsDiff(multipliers.target, grad.target)).toBe(0);
    s.dispose();
  });
});
