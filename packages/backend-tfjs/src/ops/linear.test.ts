import * as tf from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { linear, linearTransposed } from "./linear.js";
import { matMulTransposedB } from "./matMulTransposedB.js";
import { recordKernels, transposedMatMuls } from "./recordKernels.js";

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(["cpu", "wasm"] as const)("linear on %s", (backend) => {
  let start = 0;
  beforeAll(async () => { await useBackend(backend); });
  beforeEach(() => { start = tf.memory().numTensors; });
  afterEach(() => { expect(tf.memory().numTensors).toBe(start); });

  it.each([[[6, 8]], [[2, 3, 8]]])("x %j · W(in,out) + b: value and input gradient equal tf.matMul's", (shape) => {
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 0, 1, "float32", 1);
      const w = tf.randomNormal([8, 5], 0, 1, "float32", 2) as tf.Tensor2D;
      const b = tf.randomNormal([5], 0, 1, "float32", 3) as tf.Tensor1D;
      const ref = (t: tf.Tensor) => tf.add(tf.reshape(tf.matMul(tf.reshape(t, [-1, 8]), w), [...shape.slice(0, -1), 5]), b);
      const ours = (t: tf.Tensor) => linear(t as tf.Tensor2D, w, b);
      expect(ours(x).shape).toEqual([...shape.slice(0, -1), 5]);
      expect(maxAbsDiff(ours(x), ref(x))).toBeLessThan(1e-5);
      const probe = tf.randomNormal([...shape.slice(0, -1), 5], 0, 1, "float32", 4);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ours(t), probe)))(x);
      const gRef = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ref(t), probe)))(x);
      expect(maxAbsDiff(g, gRef)).toBeLessThan(1e-5);
    });
  });

  it.each([[[3, 8]], [[40, 8]], [[2, 3, 8]]])("linearTransposed x %j · W(out,in)ᵀ: value and gradient (both product strategies)", (shape) => {
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 0, 1, "float32", 5);
      const w = tf.randomNormal([30, 8], 0, 1, "float32", 6) as tf.Tensor2D;
      const ref = (t: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(t, [-1, 8]), w, false, true), [...shape.slice(0, -1), 30]);
      const ours = (t: tf.Tensor) => linearTransposed(t as tf.Tensor2D, w);
      expect(maxAbsDiff(ours(x), ref(x))).toBeLessThan(1e-5);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(ours(t))))(x);
      const gRef = tf.grad((t: tf.Tensor) => tf.sum(tf.square(ref(t))))(x);
      expect(maxAbsDiff(g, gRef)).toBeLessThan(1e-4);
    });
  });

  it("matMulTransposedB picks either strategy and both equal a·bᵀ", () => {
    tf.tidy(() => {
      const b = tf.randomNormal([50, 6], 0, 1, "float32", 7) as tf.Tensor2D;
      for (const n of [2, 200]) {
        const a = tf.randomNormal([n, 6], 0, 1, "float32", 8) as tf.Tensor2D;
        expect(maxAbsDiff(matMulTransposedB(a, b), tf.matMul(a, b, false, true))).toBeLessThan(1e-5);
      }
    });
  });

  it("forward + backward run no transposed matMul kernel", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 8]);
      const w = tf.randomNormal([8, 5]) as tf.Tensor2D;
      const e = tf.randomNormal([30, 5]) as tf.Tensor2D;
      const b = tf.randomNormal([5]) as tf.Tensor1D;
      const calls = recordKernels(() => { tf.grad((t: tf.Tensor) => tf.sum(linearTransposed(linear(t as tf.Tensor3D, w, b), e)))(x); });
      expect(calls.some((c) => c.name === "BatchMatMul" || c.name === "_FusedMatMul")).toBe(true);
      expect(transposedMatMuls(calls)).toEqual([]);
    });
  });

  it("rejects mismatched shapes with a message naming them", () => {
    const x = tf.zeros([2, 7]) as tf.Tensor2D;
    const w = tf.zeros([8, 5]) as tf.Tensor2D;
    expect(() => linear(x, w)).toThrow(/\[2,7\].*\[8,5\]/);
    tf.dispose([x, w]);
  });
});
