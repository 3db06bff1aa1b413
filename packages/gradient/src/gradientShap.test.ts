import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { inputGradients, isInseqError } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { GradientShap } from "./gradientShap.js";
import { gradientShapCoefficients, readGradientShapOptions } from "./gradientShapOptions.js";

import { NumpyRandomState } from "./numpyRandomState.js";
import { optionReader } from "@inseqjs/core";
import { maxAbs, maxAbsDiff, runMethod, scores, step, toyModels, total } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

const fixture = JSON.parse(readFileSync(new URL("../../../test-data/expected/tiny-gpt2/gradient_shap.json", import.meta.url), "utf8")) as {
  cases: { steps: { gradient_shap_alphas: number[] }[] }[];
};

describe("gradient_shap", () => {
  it("seed 42 reproduces Captum's recorded per-step coefficients, the generator continuing across steps", () => {
    const options = readGradientShapOptions(optionReader("gradient_shap", { seed: 42 }, ["seed"]));
    for (const c of fixture.cases) {
      const rng = new NumpyRandomState(42); // the fixture seeds once per case, before its first step
      c.steps.forEach((recorded, k) => expect(gradientShapCoefficients(options, rng, k, 1)).toEqual(recorded.gradient_shap_alphas));
    }
  });

  it("a seeded run uses exactly those coefficients: equal to the same run with them given per step", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5]], targetTokenIds: [6] });
    const recorded = fixture.cases[0].steps.slice(0, 3).map((st) => st.gradient_shap_alphas);
    const seeded = runMethod(new GradientShap(), s, { seed: 42, returnConvergenceDelta: true }, 3);
    const fixed = runMethod(new GradientShap(), s, { alphas: recorded, returnConvergenceDelta: true }, 3);
    expect(maxAbsDiff(seeded, fixed)).toBe(0);
    expect(maxAbsDiff(seeded[0].target, seeded[1].target)).toBeGreaterThan(1e-6); // steps draw fresh coefficients
    // same seed ⇒ same numbers; another seed ⇒ other numbers
    expect(maxAbsDiff(runMethod(new GradientShap(), s, { seed: 42 }, 3), runMethod(new GradientShap(), s, { seed: 42 }, 3))).toBe(0);
    expect(maxAbsDiff(runMethod(new GradientShap(), s, { seed: 7 })[0].target, seeded[0].target)).toBeGreaterThan(1e-6);
    expect(() => runMethod(new GradientShap(), s, { alphas: recorded.slice(0, 1) }, 2)).toThrow(/per-step lists but step 2/);
    s.dispose();
  });

  it("= mean over samples of (x − b)·∇f(b + α(x − b)), with one delta per sample", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const alphas = [0.1, 0.3, 0.5, 0.7, 0.9];
    const [r] = runMethod(new GradientShap(), s, { alphas, returnConvergenceDelta: true });
    const x = s.target.embeds;
    const b = s.target.baselineEmbeds;
    const perSample = alphas.map((a) =>
      tf.tidy(() => {
        const point = tf.add(b, tf.mul(a, tf.sub(x, b))) as tf.Tensor3D;
        return tf.mul(tf.sub(x, b), inputGradients(s, { target: point }).target).arraySync() as number[][][];
      }),
    );
    const mean = perSample[0].map((row, n) => row.map((v, i) => v.map((_, j) => perSample.reduce((acc, p) => acc + p[n][i][j], 0) / alphas.length)));
    expect(maxAbsDiff(r.target, mean)).toBeLessThan(1e-7);
    const fx = scores(s, {});
    const fb = scores(s, { target: b });
    const deltas = [0, 1].map((n) => perSample.map((p) => total(p[n]) - (fx[n] - fb[n])));
    expect(maxAbsDiff(r.deltas, deltas)).toBeLessThan(1e-6);
    s.dispose();
  });

  it("gives the same numbers with internalBatchSize as in one batch, also with noise (stdevs > 0)", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    for (const stdevs of [0, 0.1]) {
      const whole = runMethod(new GradientShap(), s, { seed: 3, stdevs, nSamples: 7, returnConvergenceDelta: true }, 2);
      const chunked = runMethod(new GradientShap(), s, { seed: 3, stdevs, nSamples: 7, returnConvergenceDelta: true, internalBatchSize: 5 }, 2);
      expect(maxAbsDiff(whole, chunked)).toBeLessThan(1e-6);
      expect((whole[0].deltas as number[][])[1]).toHaveLength(7);
    }
    const clean = runMethod(new GradientShap(), s, { seed: 3 })[0];
    const noisy = runMethod(new GradientShap(), s, { seed: 3, stdevs: 0.1 })[0];
    expect(maxAbsDiff(clean.target, noisy.target)).toBeGreaterThan(1e-5);
    expect(maxAbs(noisy.target)).toBeLessThan(10);
    s.dispose();
  });

  it("rejects malformed alphas and seeds", () => {
    const m = new GradientShap();
    for (const raw of [{ alphas: [0.1, 0.2] }, { alphas: "0.5" }, { alphas: [[0.1, 0.2, 0.3, 0.4, Number.NaN]] }, { seed: -1 }, { seed: 2 ** 32 }, { seed: "42" }]) {
      try {
        m.resolveOptions(raw);
        expect.unreachable();
      } catch (e) {
        expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
        expect((e as Error).message).toMatch(new RegExp(`"${Object.keys(raw)[0]}"`));
      }
    }
  });
});
