import * as tf from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { attention } from "./attention.js";
import { additiveAttentionMask } from "./attentionMask.js";
import { fusedMultiHeadAttention } from "./fusedMultiHeadAttention.js";
import { gelu } from "./gelu.js";
import { geluNew } from "./geluNew.js";
import { mergeHeads, splitHeads } from "./heads.js";
import { layerNorm } from "./layerNorm.js";
import { recordKernels } from "./recordKernels.js";
import { residualAdd } from "./residualAdd.js";
import { silu } from "./silu.js";

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const maxAbs = (a: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);

/** Value and input gradient (against a random probe) of `ours` and of the stock-op composition `ref`. */
function compare(ours: (x: tf.Tensor) => tf.Tensor, ref: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { value: number; grad: number; scale: number } {
  return tf.tidy(() => {
    const probe = tf.randomNormal(ours(x).shape, 0, 1, "float32", 11);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ours(t), probe)))(x);
    const gRef = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ref(t), probe)))(x);
    return { value: maxAbsDiff(ours(x), ref(x)), grad: maxAbsDiff(g, gRef), scale: maxAbs(gRef) };
  });
}

describe.each(["cpu", "wasm"] as const)("custom-gradient ops on %s", (backend) => {
  let start = 0;
  beforeAll(async () => { await useBackend(backend); });
  beforeEach(() => { start = tf.memory().numTensors; });
  afterEach(() => { expect(tf.memory().numTensors).toBe(start); });

  it("layerNorm: value and gradient equal the stock-op composition", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 16], 1, 3, "float32", 1);
      const gamma = tf.randomNormal([16], 1, 0.5, "float32", 2) as tf.Tensor1D;
      const beta = tf.randomNormal([16], 0, 1, "float32", 3) as tf.Tensor1D;
      const stock = (t: tf.Tensor) => {
        const mean = tf.mean(t, -1, true);
        const c = tf.sub(t, mean);
        return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-5))), gamma), beta);
      };
      const r = compare((t) => layerNorm(t, gamma, beta, 1e-5), stock, x);
      expect(r.value).toBe(0);
      expect(r.grad).toBeLessThan(1e-5 * r.scale);
    });
  });

  it.each([
    ["geluNew", geluNew, (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.tanh(tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1))],
    ["gelu", gelu, (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1))],
    ["silu", silu, (t: tf.Tensor) => tf.mul(t, tf.sigmoid(t))],
  ] as const)("%s: value and gradient equal the stock-op composition", (_, f, stock) => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 40], 0, 2.5, "float32", 4);
      const r = compare((t) => f(t), stock, x);
      expect(r.value).toBeLessThan(2e-6);
      expect(r.grad).toBeLessThan(1e-5 * Math.max(1, r.scale));
    });
  });

  it("residualAdd: value a + b, gradient dy to both; rejects broadcasting", () => {
    tf.tidy(() => {
      const a = tf.randomNormal([2, 3, 4], 0, 1, "float32", 5);
      const b = tf.randomNormal([2, 3, 4], 0, 1, "float32", 6);
      expect(maxAbsDiff(residualAdd(a, b), tf.add(a, b))).toBe(0);
      const probe = tf.randomNormal([2, 3, 4], 0, 1, "float32", 7);
      // a appears twice: the gradient accumulates into an input whose first gradient is a view of dy
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(residualAdd(residualAdd(x, y), x), probe)))([a, b]);
      expect(maxAbsDiff(ga, tf.mul(probe, 2))).toBe(0);
      expect(maxAbsDiff(gb, probe)).toBe(0);
      expect(() => residualAdd(a, tf.zeros([4]))).toThrow(/shapes differ/);
    });
  });

  it("fusedMultiHeadAttention equals mergeHeads(attention(splitHeads(·))), value and gradients, lenQ ≠ lenK", () => {
    tf.tidy(() => {
      const [B, L, H, heads] = [2, 5, 12, 3];
      const keyMask = tf.tensor2d([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]]);
      for (const lenQ of [L, 1]) {
        const q = tf.randomNormal([B, lenQ, H], 0, 1, "float32", 8) as tf.Tensor3D;
        const k = tf.randomNormal([B, L, H], 0, 1, "float32", 9) as tf.Tensor3D;
        const v = tf.randomNormal([B, L, H], 0, 1, "float32", 10) as tf.Tensor3D;
        const mask = additiveAttentionMask({ queryLength: lenQ, keyLength: L, keyMask, causal: true });
        const ref = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => mergeHeads(attention(splitHeads(a as tf.Tensor3D, heads), splitHeads(b as tf.Tensor3D, heads), splitHeads(c as tf.Tensor3D, heads), mask, 0.5));
        const ours = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => fusedMultiHeadAttention(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, heads, mask, 0.5);
        expect(maxAbsDiff(ours(q, k, v), ref(q, k, v))).toBe(0);
        const probe = tf.randomNormal([B, lenQ, H], 0, 1, "float32", 11);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(ours(a, b, c), probe)))([q, k, v]);
        const gRef = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(ref(a, b, c), probe)))([q, k, v]);
        g.forEach((t, i) => expect(maxAbsDiff(t, gRef[i])).toBeLessThan(1e-5));
      }
    });
  });

  it("a taped layerNorm → geluNew → residualAdd chain copies only what its backward needs", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([4, 32], 0, 1, "float32", 12);
      const gamma = tf.ones([32]) as tf.Tensor1D;
      const beta = tf.zeros([32]) as tf.Tensor1D;
      const calls = recordKernels(() => {
        tf.grad((t: tf.Tensor) => tf.sum(residualAdd(t, geluNew(layerNorm(t, gamma, beta, 1e-5)))))(x);
      });
      // layerNorm keeps x̂ and rstd, geluNew keeps x and σ: four copies; stock ops would copy every operand they tape
      expect(calls.filter((c) => c.name === "Identity").length).toBeLessThanOrEqual(6);
    });
  });
});
