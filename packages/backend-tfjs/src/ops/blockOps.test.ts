import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { applyRotary } from "./applyRotary.js";
import { mergeHeads, splitHeads } from "./heads.js";
import { rmsNorm } from "./rmsNorm.js";
import { rotaryCosSin } from "./rotaryCosSin.js";
import { swiGlu } from "./swiGlu.js";

// The custom-gradient block ops against the same maths written with tfjs's own (taped) ops: values and gradients.

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
const relDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));

function expectSameGradients(f: (...x: tf.Tensor[]) => tf.Tensor, reference: (...x: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): void {
  const dy = seeded(f(...inputs).shape, 99);
  expect(relDiff(f(...inputs), reference(...inputs))).toBeLessThan(1e-6);
  const ours = tf.grads(f)(inputs, dy);
  const theirs = tf.grads(reference)(inputs, dy);
  ours.forEach((g, i) => expect(relDiff(g, theirs[i]), `gradient ${i}`).toBeLessThan(1e-5));
}

describe.each(["cpu", "wasm"] as const)("block ops on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("rmsNorm: value and gradient of x·rsqrt(mean(x²)+eps)·w", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const w = seeded([6], 2) as tf.Tensor1D;
      expectSameGradients((x) => rmsNorm(x, w, 1e-5), (x) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), w), [seeded([2, 5, 6], 1)]);
    });
    expect(tf.memory().numTensors).toBe(start);
  });

  it("applyRotary: value and gradient of x·cos + rotate_half(x)·sin", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const positions = tf.tensor2d([[0, 1, 2, 3, 4], [0, 0, 0, 1, 2]], [2, 5], "int32");
      const tables = rotaryCosSin(positions, [1, 0.1, 0.01]);
      const reference = (x: tf.Tensor) => {
        const cos = tf.reshape(tables.cos, [2, 1, 5, 6]);
        const sin = tf.reshape(tables.sin, [2, 1, 5, 6]);
        const [x1, x2] = tf.split(x, 2, 3);
        return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
      };
      expectSameGradients((x) => applyRotary(x as tf.Tensor4D, tables), reference, [seeded([2, 3, 5, 6], 3)]);
    });
    expect(tf.memory().numTensors).toBe(start);
  });

  it("swiGlu: value and gradients of silu(gate)·up", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      expectSameGradients((g, u) => swiGlu(g, u), (g, u) => tf.mul(tf.mul(g, tf.sigmoid(g)), u), [tf.mul(seeded([3, 7], 4), 3), seeded([3, 7], 5)]);
    });
    expect(tf.memory().numTensors).toBe(start);
  });

  it("splitHeads / mergeHeads: inverse of each other, gradients the inverse reshapes", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const x = seeded([2, 5, 12], 6) as tf.Tensor3D;
      expect(relDiff(mergeHeads(splitHeads(x, 4)), x)).toBe(0);
      expectSameGradients((a) => splitHeads(a as tf.Tensor3D, 4), (a) => tf.transpose(tf.reshape(a, [2, 5, 4, 3]), [0, 2, 1, 3]), [x]);
      expectSameGradients((a) => mergeHeads(a as tf.Tensor4D), (a) => tf.reshape(tf.transpose(a, [0, 2, 1, 3]), [2, 5, 12]), [splitHeads(x, 4)]);
    });
    expect(tf.memory().numTensors).toBe(start);
  });
});
