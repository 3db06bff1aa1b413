import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { additiveAttentionMask } from "./attentionMask.js";
import { chunkedAttention } from "./chunkedAttention.js";
import { groupedQueryAttention } from "./groupedQueryAttention.js";
import { slidingWindowMask } from "./slidingWindowMask.js";

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
const relDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));

interface Case {
  readonly name: string;
  readonly batch: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly lenQ: number;
  readonly lenK: number;
  readonly causal: boolean;
  readonly padded?: boolean;
  readonly window?: number;
  readonly chunkSize: number;
}

const cases: Case[] = [
  { name: "causal GQA, several chunks", batch: 1, heads: 6, kvHeads: 2, lenQ: 37, lenK: 37, causal: true, chunkSize: 8 },
  { name: "causal, left-padded batch", batch: 3, heads: 4, kvHeads: 4, lenQ: 21, lenK: 21, causal: true, padded: true, chunkSize: 5 },
  { name: "causal, sliding window", batch: 2, heads: 4, kvHeads: 1, lenQ: 30, lenK: 30, causal: true, padded: true, window: 7, chunkSize: 6 },
  { name: "last query only", batch: 2, heads: 2, kvHeads: 2, lenQ: 1, lenK: 19, causal: true, padded: true, chunkSize: 4 },
  { name: "bidirectional, padded keys", batch: 2, heads: 3, kvHeads: 3, lenQ: 11, lenK: 17, causal: false, padded: true, chunkSize: 4 },
  { name: "one chunk", batch: 1, heads: 2, kvHeads: 1, lenQ: 9, lenK: 9, causal: true, chunkSize: 256 },
];

function keyMaskOf(c: Case): tf.Tensor2D | undefined {
  if (!c.padded) return undefined;
  const m = new Float32Array(c.batch * c.lenK).fill(1);
  for (let b = 0; b < c.batch; b++) for (let j = 0; j < b * 2; j++) m[b * c.lenK + j] = 0; // row b: 2b left pads
  return tf.tensor2d(m, [c.batch, c.lenK]);
}

describe.each(["cpu", "wasm"] as const)("chunkedAttention on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(cases)("equals the one-shot attention, values and gradients: $name", (c) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const d = 8;
      const q = seeded([c.batch, c.heads, c.lenQ, d], 1);
      const k = seeded([c.batch, c.kvHeads, c.lenK, d], 2);
      const v = seeded([c.batch, c.kvHeads, c.lenK, d], 3);
      const dy = seeded([c.batch, c.heads, c.lenQ, d], 4);
      const keyMask = keyMaskOf(c);
      let mask: tf.Tensor | undefined = c.causal || keyMask ? additiveAttentionMask({ queryLength: c.lenQ, keyLength: c.lenK, keyMask, causal: c.causal }) : undefined;
      if (c.window !== undefined) mask = tf.add(mask!, slidingWindowMask(c.lenK, c.window)!);
      const reference = (a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) => groupedQueryAttention(a as tf.Tensor4D, b as tf.Tensor4D, e as tf.Tensor4D, { mask });
      const chunked = (a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
        chunkedAttention(a as tf.Tensor4D, b as tf.Tensor4D, e as tf.Tensor4D, { causal: c.causal, keyMask, window: c.window, chunkSize: c.chunkSize });
      // Padding queries (which see no real key) are don't-care rows: compare the real ones.
      const realRows = keyMask ? tf.reshape(keyMask.slice([0, c.lenK - c.lenQ], [c.batch, c.lenQ]), [c.batch, 1, c.lenQ, 1]) : tf.scalar(1);
      expect(relDiff(tf.mul(chunked(q, k, v), realRows), tf.mul(reference(q, k, v), realRows))).toBeLessThan(1e-5);
      const weighted = tf.mul(dy, realRows);
      const gRef = tf.grads(reference)([q, k, v], weighted);
      const gNew = tf.grads(chunked)([q, k, v], weighted);
      gRef.forEach((gr, i) => expect(relDiff(gNew[i], gr), `gradient ${i}`).toBeLessThan(1e-5));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects operands that do not fit", () => {
    tf.tidy(() => {
      expect(() => chunkedAttention(tf.zeros([1, 3, 4, 8]), tf.zeros([1, 2, 4, 8]), tf.zeros([1, 2, 4, 8]))).toThrow(/multiple of kv heads/);
      expect(() => chunkedAttention(tf.zeros([1, 2, 4, 8]), tf.zeros([1, 2, 4, 8]), tf.zeros([1, 2, 4, 8]), { keyMask: tf.ones([1, 3]) })).toThrow(/key mask/);
    });
  });
});
