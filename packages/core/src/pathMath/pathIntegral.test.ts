import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createToyModel } from "../testing/toyModel.js";
import { makeStepInputs } from "../testing/makeStepInputs.js";
import { convergenceDeltas } from "./convergenceDeltas.js";
import { pathPoints, pointCoefficients, pointsPerForward, scoresAlongPath, sumOverChunks, sumOverPath, weightedCopySum } from "./pathIntegral.js";
import { attributedSides, baselinesOf, inputsOf, mapSides } from "./stepSides.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("path chunking", () => {
  it("puts internalBatchSize rows per forward, as Captum (at least one point, at most the whole path)", () => {
    expect(pointsPerForward(2, 50)).toBe(50);
    expect(pointsPerForward(2, 50, 7)).toBe(3);
    expect(pointsPerForward(3, 50, 2)).toBe(1);
    expect(pointsPerForward(1, 5, 100)).toBe(5);
    const seen: number[][] = [];
    const sums = sumOverChunks(2, { nPoints: 7, internalBatchSize: 6 }, (s, e) => (seen.push([s, e]), { n: tf.scalar(e - s) }));
    expect(seen).toEqual([[0, 3], [3, 6], [6, 7]]);
    expect(sums.n.dataSync()[0]).toBe(7);
    sums.n.dispose();
  });

  it("stacks path points copy-major and sums weighted copies back per row", () => {
    tf.tidy(() => {
      const x = tf.tensor3d([[[1, 2]], [[3, 4]]]);
      const b = tf.zeros([2, 1, 2]) as tf.Tensor3D;
      const points = pathPoints(x, b, pointCoefficients([0.5, 1], 2));
      expect(points.arraySync()).toEqual([[[0.5, 1]], [[1.5, 2]], [[1, 2]], [[3, 4]]]);
      expect(weightedCopySum(points, [2, 1], 2).arraySync()).toEqual([[[2, 4]], [[6, 8]]]);
    });
  });

  it("integrates gradients chunk by chunk with the same result and no leaked tensor", () => {
    const model = createToyModel({ vocab: ["a", "b", "c", "d"], hiddenSize: 6, seed: 9 });
    const step = makeStepInputs(model, { targetIds: [[0, 3, 4], [0, 5]], targetTokenIds: [6, 4] });
    const sides = attributedSides(step);
    const [x, b] = [inputsOf(step, sides), baselinesOf(step, sides)];
    const start = tf.memory().numTensors;
    const alphas = [0.1, 0.4, 0.6, 0.9];
    const run = (internalBatchSize?: number) => {
      const sums = sumOverPath(step, {
        nPoints: 4,
        internalBatchSize,
        pointsAt: (s, e) => mapSides(sides, (side) => pathPoints(x[side], b[side], pointCoefficients(alphas.slice(s, e), 2))),
        reduce: (grads, s, e) => mapSides(sides, (side) => weightedCopySum(grads[side], [0.25, 0.25, 0.25, 0.25].slice(s, e), 2)),
      });
      const out = sums.target.arraySync() as number[][][];
      tf.dispose(Object.values(sums));
      return out;
    };
    const whole = run();
    const chunked = run(3);
    expect(Math.max(...whole.flat(2).map((v, i) => Math.abs(v - chunked.flat(2)[i])))).toBeLessThan(1e-7);
    const scores = scoresAlongPath(step, { nPoints: 2, internalBatchSize: 2, pointsAt: (s) => (s === 0 ? x : b) });
    const noAttribution = tf.zerosLike(x.target) as tf.Tensor3D;
    const zero = convergenceDeltas(step, { target: noAttribution }, b, x);
    const [fx0, fx1, fb0, fb1] = Array.from(scores.dataSync());
    const d = Array.from(zero.dataSync());
    expect(d[0]).toBeCloseTo(-(fx0 - fb0), 7);
    expect(d[1]).toBeCloseTo(-(fx1 - fb1), 7);
    tf.dispose([scores, zero, noAttribution]);
    expect(tf.memory().numTensors).toBe(start);
    step.dispose();
    model.dispose();
  });
});
