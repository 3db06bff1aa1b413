import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { geluNew } from "./geluNew.js";
import { rescaleActivation } from "./rescaleActivation.js";
import { silu } from "./silu.js";

const tanh = <T extends tf.Tensor>(x: T) => tf.tanh(x) as T;

describe.each(["cpu", "wasm"] as const)("rescaleActivation on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it("keeps the value and gives both halves the secant slope, or f'(x) where input = reference", () => {
    const before = tf.memory().numTensors;
    const inputs = [0.5, -1, 2, 0.3];
    const refs = [0, 1.5, -0.5, 0.3]; // the last element has Δ = 0 → f'(x)
    const x = tf.tensor2d([inputs, refs]);
    for (const f of [geluNew, silu, tanh]) {
      const y = rescaleActivation(f, x);
      const plain = f(x);
      expect(Array.from(y.dataSync())).toEqual(Array.from(plain.dataSync()));
      const dy = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(rescaleActivation(f, v), dy)))(x);
      const slope = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x);
      const [gv, yv, sv, dv] = [g, plain, slope, dy].map((t) => t.arraySync() as number[][]);
      inputs.forEach((xi, j) => {
        const m = xi === refs[j] ? sv[0][j] : (yv[0][j] - yv[1][j]) / (xi - refs[j]);
        expect(gv[0][j]).toBeCloseTo(dv[0][j] * m, 5);
        expect(gv[1][j]).toBeCloseTo(dv[1][j] * (xi === refs[j] ? sv[1][j] : m), 5);
      });
      tf.dispose([y, plain, dy, g, slope]);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("makes a linear–tanh–linear net satisfy summation-to-delta exactly", () => {
    const result = tf.tidy(() => {
      const w1 = tf.randomNormal([6, 8], 0, 1, "float32", 1);
      const w2 = tf.randomNormal([8, 1], 0, 1, "float32", 2);
      const x = tf.randomNormal([3, 6], 0, 1, "float32", 3);
      const b = tf.randomNormal([3, 6], 0, 1, "float32", 4);
      const net = (v: tf.Tensor, rule: boolean) => {
        const h = tf.matMul(v, w1);
        return tf.matMul(rule ? rescaleActivation(tanh, h) : tanh(h), w2);
      };
      const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(net(tf.concat([v, b]), true), [0, 0], [3, 1])))(x);
      const sums = tf.sum(tf.mul(tf.sub(x, b), grad), 1);
      const target = tf.reshape(tf.sub(net(x, false), net(b, false)), [3]);
      return tf.max(tf.abs(tf.sub(sums, target))).dataSync()[0];
    });
    expect(result).toBeLessThan(1e-5);
  });

  it("rejects an odd number of rows", () => {
    const x = tf.ones([3, 2]);
    expect(() => rescaleActivation(tanh, x)).toThrow(/\[inputs; references\]/);
    x.dispose();
  });
});
