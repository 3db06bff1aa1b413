import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { chunkedAttention } from "./chunkedAttention.js";
import { linear } from "./linear.js";
import { recomputeInBackward } from "./recomputeInBackward.js";

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

describe.each(["cpu", "wasm"] as const)("recomputeInBackward on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("gives the values and input gradients of the plain stack, bit for bit, and frees everything", () => {
    const weights = [0, 1, 2].map((i) => seeded([6, 6], 10 + i));
    const shift = seeded([1, 5, 6], 20);
    const block = (x: tf.Tensor3D, i: number, [s]: readonly tf.Tensor[]) => {
      const h = tf.tanh(linear(x, weights[i] as tf.Tensor2D));
      const attended = chunkedAttention(tf.reshape(h, [1, 2, 5, 3]), tf.reshape(x, [1, 2, 5, 3]), tf.reshape(h, [1, 2, 5, 3]), { causal: true, chunkSize: 2 });
      return tf.add(tf.mul(tf.reshape(attended, [1, 5, 6]), s), x) as tf.Tensor3D;
    };
    const stack = (recompute: boolean) => (x: tf.Tensor) => {
      let h = x as tf.Tensor3D;
      for (let i = 0; i < 3; i++) h = recompute ? recomputeInBackward((v, c) => block(v, i, c), h, [shift]) : block(h, i, [shift]);
      return tf.sum(tf.square(h));
    };
    const x = seeded([1, 5, 6], 1);
    const before = tf.memory().numTensors;
    const [plainValue, plainGrad] = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(stack(false))([x]);
      return [value.dataSync(), grads[0].dataSync()];
    });
    const [value, grad] = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(stack(true))([x]);
      return [value.dataSync(), grads[0].dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(value)).toEqual(Array.from(plainValue));
    expect(Array.from(grad)).toEqual(Array.from(plainGrad));
    tf.dispose([x, shift, ...weights]);
  });

  it("keeps only the block inputs alive between forward and backward", () => {
    // Memory held by the tape after the forward: the recomputed stack keeps one input per block.
    const w = seeded([64, 64], 3);
    const block = (x: tf.Tensor2D) => tf.tanh(tf.tanh(tf.tanh(linear(x, w as tf.Tensor2D))));
    const x = seeded([256, 64], 4);
    const peak = (recompute: boolean) => {
      let high = 0;
      tf.tidy(() =>
        tf.grads((a: tf.Tensor) => {
          let h = a as tf.Tensor2D;
          for (let i = 0; i < 8; i++) h = recompute ? recomputeInBackward(block, h) : block(h);
          high = tf.memory().numBytes;
          return tf.sum(h);
        })([x]),
      );
      return high;
    };
    const base = tf.memory().numBytes;
    const plain = peak(false) - base;
    const recomputed = peak(true) - base;
    expect(recomputed).toBeLessThan(plain / 2.5);
    tf.dispose([w, x]);
  });
});
