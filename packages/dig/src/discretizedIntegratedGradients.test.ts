import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { getMethod, isInseqError, type AttributionModel, type StepAttribution } from "@inseqjs/core";
import { createToyModel, makeStepInputs, toyIds, type MakeStepInputsOptions } from "@inseqjs/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscretizedIntegratedGradients, modelPathBuilder, modelPathBuilderSync, resolveDigOptions, type DiscretizedIntegratedGradientsOptions } from "./index.js";

const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
const opts = (extra: Record<string, unknown> = {}) => resolveDigOptions({ nSteps: 8, nNeighbors: 10, cache: false, ...extra });

interface Result {
  source?: number[][][];
  target?: number[][][];
  deltas: number[];
}

/** Runs one step and copies its results to the host, disposing everything; checks that no tensor leaks. */
function run(model: AttributionModel, step: MakeStepInputsOptions, options: DiscretizedIntegratedGradientsOptions, method = new DiscretizedIntegratedGradients()): Result {
  const inputs = makeStepInputs(model, step);
  const before = tf.memory().numTensors;
  const out: StepAttribution = method.attributeStep(inputs, options);
  const result: Result = {
    source: out.source?.arraySync() as number[][][] | undefined,
    target: out.target?.arraySync() as number[][][] | undefined,
    deltas: out.deltas!.arraySync() as number[],
  };
  tf.dispose([out.source, out.target, out.deltas].filter((t): t is tf.Tensor => !!t));
  expect(tf.memory().numTensors).toBe(before);
  inputs.dispose();
  return result;
}

const maxAbsDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

let cacheDir: string;
beforeAll(async () => {
  await useBackend("cpu");
  cacheDir = await mkdtemp(join(tmpdir(), "inseqjs-dig-method-"));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe("discretized_integrated_gradients", () => {
  let model: AttributionModel;
  let a: number[];
  let b: number[];
  beforeAll(() => {
    model = createToyModel({ vocab: words, hiddenSize: 8, seed: 11 });
    a = toyIds(model, "w3 w17 w5 w30 w8");
    b = toyIds(model, "w12 w9 w21");
  });
  afterAll(() => model.dispose());

  it("is registered by the package index with inseq's id and defaults", () => {
    const method = getMethod("discretized_integrated_gradients");
    expect(method.attributesIds).toBe(false);
    expect(method.usesBaselines).toBe(true);
    expect(method.resolveOptions({})).toEqual({ nSteps: 50, strategy: "greedy", nNeighbors: 50, multiplyByInputs: false, cache: true, internalBatchSize: undefined, cacheDir: undefined });
  });

  it("returns (batch, len, hidden) target attributions and (batch) deltas, equal to a point-by-point Riemann sum", () => {
    const options = opts();
    const res = run(model, { targetIds: [a], targetTokenIds: [7] }, options);
    expect([res.target!.length, res.target![0].length, res.target![0][0].length]).toEqual([1, 5, 8]);
    expect(res.deltas.length).toBe(1);

    // Independent reference: one forward/backward per path point, inseq's sum over grads[i] * (p[i+1] - p[i]).
    const inputs = makeStepInputs(model, { targetIds: [a], targetTokenIds: [7] });
    const baseline = inputs.target.baselineIds.arraySync()[0];
    const builder = modelPathBuilderSync(model, "target", { nNeighbors: 10 });
    const paths = a.map((w, i) => builder.embeddingPath(w, baseline[i], { nSteps: 8, strategy: "greedy" }));
    const point = (k: number) => tf.tensor3d(paths.flatMap((p) => Array.from(p.subarray(k * 8, (k + 1) * 8))), [1, a.length, 8]);
    const expected = Array.from({ length: a.length }, () => new Array(8).fill(0));
    for (let k = 0; k < 7; k++) {
      const [pk, pk1] = [point(k), point(k + 1)];
      const g = tf.grad((x: tf.Tensor) => tf.sum(inputs.forward({ targetEmbeds: x as tf.Tensor3D }).scores))(pk);
      const moved = tf.mul(g, tf.sub(pk1, pk));
      (moved.arraySync() as number[][][])[0].forEach((row, i) => row.forEach((v, d) => (expected[i][d] += v)));
      tf.dispose([pk, pk1, g, moved]);
    }
    expect(maxAbsDiff(res.target![0], expected)).toBeLessThan(1e-6);
    const f = (k: number) => tf.tidy(() => inputs.forward({ targetEmbeds: point(k) }).scores.arraySync()[0]);
    const sum = expected.flat().reduce((x, y) => x + y, 0);
    expect(res.deltas[0]).toBeCloseTo(sum - (f(0) - f(7)), 6);
    // the path ends at the step's own input embeddings
    expect(f(7)).toBeCloseTo(tf.tidy(() => inputs.forward().scores.arraySync()[0]), 6);
    expect(Math.abs(sum)).toBeGreaterThan(1e-4);
    inputs.dispose();
  });

  it("gives every row of a left-padded batch the numbers of its single run (inseq bug #113 absent)", () => {
    const options = opts();
    const batched = run(model, { targetIds: [a, b], targetTokenIds: [7, 9] }, options);
    const singleA = run(model, { targetIds: [a], targetTokenIds: [7] }, options);
    const singleB = run(model, { targetIds: [b], targetTokenIds: [9] }, options);
    expect(maxAbsDiff(batched.target![0], singleA.target![0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(batched.target![1].slice(2), singleB.target![0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(batched.target![1].slice(0, 2), [new Array(8).fill(0), new Array(8).fill(0)])).toBe(0);
    expect(batched.deltas[0]).toBeCloseTo(singleA.deltas[0], 6);
    expect(batched.deltas[1]).toBeCloseTo(singleB.deltas[0], 6);
  });

  it("gives the same numbers with any internalBatchSize", () => {
    const whole = run(model, { targetIds: [a, b], targetTokenIds: [7, 9] }, opts());
    for (const internalBatchSize of [1, 2, 5, 13]) {
      const split = run(model, { targetIds: [a, b], targetTokenIds: [7, 9] }, opts({ internalBatchSize }));
      for (const row of [0, 1]) expect(maxAbsDiff(split.target![row], whole.target![row])).toBeLessThan(1e-6);
      split.deltas.forEach((d, i) => expect(d).toBeCloseTo(whole.deltas[i], 6));
    }
  });

  it("multiplies by (input − baseline) when multiplyByInputs, with deltas on the multiplied sums", () => {
    const plain = run(model, { targetIds: [a], targetTokenIds: [7] }, opts());
    const multiplied = run(model, { targetIds: [a], targetTokenIds: [7] }, opts({ multiplyByInputs: true }));
    const inputs = makeStepInputs(model, { targetIds: [a], targetTokenIds: [7] });
    const diff = tf.tidy(() => tf.sub(inputs.target.embeds, inputs.target.baselineEmbeds).arraySync() as number[][][]);
    const expected = plain.target![0].map((row, i) => row.map((v, d) => v * diff[0][i][d]));
    expect(maxAbsDiff(multiplied.target![0], expected)).toBeLessThan(1e-6);
    const f = tf.tidy(() => inputs.forward({ repeat: 2, targetEmbeds: tf.concat([inputs.target.baselineEmbeds, inputs.target.embeds]) }).scores.arraySync());
    expect(multiplied.deltas[0]).toBeCloseTo(expected.flat().reduce((x, y) => x + y, 0) - (f[0] - f[1]), 5);
    inputs.dispose();
  });

  it("attributes the source of an encoder-decoder (and the target prefix with attributeTarget), batched = single", () => {
    const encdec = createToyModel({ vocab: words, hiddenSize: 8, seed: 5, encoderDecoder: true, embedScale: Math.sqrt(8) });
    const srcA = toyIds(encdec, "w1 w2 w3 w4", "source");
    const srcB = toyIds(encdec, "w9 w8", "source");
    const step = { sourceIds: [srcA, srcB], targetIds: [[2, 20, 21], [2, 30, 31]], targetTokenIds: [22, 32] };
    const batched = run(encdec, step, opts());
    expect(batched.target).toBeUndefined();
    expect([batched.source!.length, batched.source![0].length, batched.source![0][0].length]).toEqual([2, 5, 8]);
    const single = run(encdec, { sourceIds: [srcB], targetIds: [[2, 30, 31]], targetTokenIds: [32] }, opts());
    expect(maxAbsDiff(batched.source![1].slice(0, 3), single.source![0])).toBeLessThan(1e-6);
    // eos keeps eos as its baseline and is special: a constant path, zero attribution
    expect(Math.max(...batched.source![0][4].map(Math.abs))).toBe(0);
    const both = run(encdec, { ...step, attributeTarget: true }, opts());
    expect([both.target!.length, both.target![0].length]).toEqual([2, 3]);
    expect(Math.max(...both.target![0][1].map(Math.abs))).toBeGreaterThan(0);
    encdec.dispose();
  });

  it("builds paths in the hook, persists neighbours under cacheDir and reuses them", async () => {
    const fresh = createToyModel({ vocab: words, hiddenSize: 8, seed: 23 });
    const ids = toyIds(fresh, "w4 w6 w8 w10");
    const options = resolveDigOptions({ nSteps: 8, nNeighbors: 10, cacheDir });
    const method = new DiscretizedIntegratedGradients();
    await method.hook(fresh, options, { targetIds: [ids], targetBaselineIds: [ids.map(() => 1)], attributeTarget: true });
    const builder = await modelPathBuilder(fresh, "target", { nNeighbors: 10 });
    const searched = builder.stats.searchedWords;
    expect(searched).toBeGreaterThan(0);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith(".bin"))).toEqual([`${builder.cacheKey}.bin`]);
    const res = run(fresh, { targetIds: [ids.slice(0, 3)], targetTokenIds: [ids[3]] }, options, method);
    expect(builder.stats.searchedWords).toBe(searched); // every path was ready
    method.unhook();
    const again = new DiscretizedIntegratedGradients();
    await again.hook(fresh, options, { targetIds: [ids], targetBaselineIds: [ids.map(() => 1)], attributeTarget: true });
    expect(run(fresh, { targetIds: [ids.slice(0, 3)], targetTokenIds: [ids[3]] }, options, again)).toEqual(res);
    expect(builder.stats.searchedWords).toBe(searched);
    fresh.dispose();
  });

  it("rejects bad options with typed errors naming the fix", () => {
    const bad = (raw: Record<string, unknown>) => {
      try {
        resolveDigOptions(raw);
      } catch (e) {
        expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ nSteps: 1 })).toMatch(/nSteps must be an integer ≥ 2/);
    expect(bad({ strategy: "fast" })).toMatch(/greedy/);
    expect(bad({ n_steps: 10 })).toMatch(/Did you mean nSteps/);
    expect(bad({ method: "maxcount" })).toMatch(/Did you mean strategy/);
    expect(bad({ internalBatchSize: 0 })).toMatch(/internalBatchSize/);
    expect(bad({ multiplyByInputs: "yes" })).toMatch(/true or false/);
  });
});
