import * as tf from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { matMulNN } from "./matMulNN.js";
import { recordKernels, transposedMatMuls } from "./recordKernels.js";

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe.each(["cpu", "wasm"] as const)("matMulNN on %s", (backend) => {
  let start = 0;
  beforeAll(async () => { await useBackend(backend); });
  afterEach(() => { expect(tf.memory().numTensors).toBe(start); });

  it.each([
    ["2-D", [5, 7], [7, 3]],
    ["3-D", [2, 5, 7], [2, 7, 3]],
    ["4-D", [2, 3, 4, 6], [2, 3, 6, 4]],
  ])("%s: value and both gradients equal tf.matMul's", (_, sa, sb) => {
    start = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.randomNormal(sa, 0, 1, "float32", 1);
      const b = tf.randomNormal(sb, 0, 1, "float32", 2);
      const w = tf.randomNormal([...sa.slice(0, -1), sb[sb.length - 1]], 0, 1, "float32", 3);
      const f = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), w));
      const ours = tf.grads(f(matMulNN))([a, b]);
      const ref = tf.grads(f((x, y) => tf.matMul(x, y)))([a, b]);
      expect(maxAbsDiff(matMulNN(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
      expect(maxAbsDiff(ours[0], ref[0])).toBeLessThan(1e-5);
      expect(maxAbsDiff(ours[1], ref[1])).toBeLessThan(1e-5);
    });
  });

  it("runs no transposed matMul kernel, forward or backward (tf.matMul's gradient does)", () => {
    start = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.randomNormal([4, 6]);
      const b = tf.randomNormal([6, 5]);
      const ours = recordKernels(() => { tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMulNN(x, y)))([a, b]); });
      const stock = recordKernels(() => { tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]); });
      expect(ours.filter((c) => c.name === "BatchMatMul").length).toBe(3);
      expect(transposedMatMuls(ours)).toEqual([]);
      expect(transposedMatMuls(stock).length).toBeGreaterThan(0);
    });
  });

  it("rejects broadcasting batch dimensions", () => {
    start = tf.memory().numTensors;
    const a = tf.zeros([2, 3, 4]);
    const b = tf.zeros([1, 4, 5]);
    expect(() => matMulNN(a, b)).toThrow(/batch dimensions/);
    tf.dispose([a, b]);
  });
});
