import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { attention } from "./attention.js";
import { additiveAttentionMask, MASKED_SCORE } from "./attentionMask.js";
import { mergeHeads, splitHeads } from "./heads.js";

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Plain-JS causal attention of one (batch, head) over the unmasked keys. */
function naive(q: number[][], k: number[][], v: number[][], allowed: (i: number, j: number) => boolean): number[][] {
  const scale = 1 / Math.sqrt(q[0].length);
  return q.map((qi, i) => {
    const scores = k.map((kj, j) => (allowed(i, j) ? qi.reduce((s, x, d) => s + x * kj[d], 0) * scale : -Infinity));
    const m = Math.max(...scores);
    const w = scores.map((s) => Math.exp(s - m));
    const z = w.reduce((a, b) => a + b, 0);
    return v[0].map((_, d) => w.reduce((s, wj, j) => s + (wj / z) * v[j][d], 0));
  });
}

describe.each(["cpu", "wasm"] as const)("attention on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it("additiveAttentionMask combines causal and padding terms", () => {
    const keyMask = tf.tensor2d([[0, 1, 1]]);
    const m = additiveAttentionMask({ queryLength: 3, keyMask, causal: true })!;
    expect(m.shape).toEqual([1, 1, 3, 3]);
    const got = (m.arraySync() as number[][][][])[0][0].map((row) => row.map((x) => x + 0));
    expect(got).toEqual([
      [MASKED_SCORE, MASKED_SCORE, MASKED_SCORE],
      [MASKED_SCORE, 0, MASKED_SCORE],
      [MASKED_SCORE, 0, 0],
    ]);
    expect(additiveAttentionMask({ queryLength: 3 })).toBeUndefined();
    tf.dispose([keyMask, m]);
  });

  it("equals naive masked softmax attention, and its gradients equal stock tfjs ops", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const [B, H, L, D] = [2, 2, 4, 3];
      const q = tf.randomNormal([B, H, L, D], 0, 1, "float32", 1) as tf.Tensor4D;
      const k = tf.randomNormal([B, H, L, D], 0, 1, "float32", 2) as tf.Tensor4D;
      const v = tf.randomNormal([B, H, L, D], 0, 1, "float32", 3) as tf.Tensor4D;
      const keyMask = tf.tensor2d([[1, 1, 1, 1], [0, 0, 1, 1]]);
      const mask = additiveAttentionMask({ queryLength: L, keyMask, causal: true })!;
      const out = attention(q, k, v, mask).arraySync() as number[][][][];
      const [qa, ka, va] = [q, k, v].map((t) => t.arraySync() as number[][][][]);
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const start = b === 1 ? 2 : 0;
          const ref = naive(qa[b][h], ka[b][h], va[b][h], (i, j) => j <= i && j >= start);
          for (let i = start; i < L; i++) ref[i].forEach((x, d) => expect(out[b][h][i][d]).toBeCloseTo(x, 5));
        }
      }
      const stock = (a: tf.Tensor, bb: tf.Tensor, c: tf.Tensor) =>
        tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(a, bb, false, true), 1 / Math.sqrt(D)), mask)), c);
      const probe = tf.randomNormal([B, H, L, D], 0, 1, "float32", 4);
      const ours = tf.grads((a: tf.Tensor, bb: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(attention(a as tf.Tensor4D, bb as tf.Tensor4D, c as tf.Tensor4D, mask), probe)))([q, k, v]);
      const ref = tf.grads((a: tf.Tensor, bb: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(stock(a, bb, c), probe)))([q, k, v]);
      ours.forEach((g, i) => expect(maxAbsDiff(g, ref[i])).toBeLessThan(1e-5));
    });
    expect(tf.memory().numTensors).toBe(start);
  });

  it("splitHeads and mergeHeads are inverse", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 12]) as tf.Tensor3D;
      const s = splitHeads(x, 4);
      expect(s.shape).toEqual([2, 4, 5, 3]);
      expect(maxAbsDiff(mergeHeads(s), x)).toBe(0);
    });
  });
});
