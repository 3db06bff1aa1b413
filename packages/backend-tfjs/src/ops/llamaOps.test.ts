import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { applyRotary } from "./applyRotary.js";
import { attention } from "./attention.js";
import { additiveAttentionMask, MASKED_SCORE } from "./attentionMask.js";
import { groupedQueryAttention } from "./groupedQueryAttention.js";
import { recordKernels, transposedMatMuls } from "./recordKernels.js";
import { rmsNorm } from "./rmsNorm.js";
import { rotaryCosSin } from "./rotaryCosSin.js";
import { slidingWindowMask } from "./slidingWindowMask.js";
import { softcap } from "./softcap.js";

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor | number[]): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tf.tensor(b, a.shape)))).dataSync()[0]);
const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

describe.each(["cpu", "wasm"] as const)("Llama-family ops on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it("rmsNorm equals x·rsqrt(mean(x²)+eps)·w", () => {
    tf.tidy(() => {
      const x = [1, -2, 3, 0.5, 0, 4];
      const w = [0.5, 2, -1];
      const out = rmsNorm(tf.tensor2d(x, [2, 3]), tf.tensor1d(w), 1e-6);
      const expected = [0, 1].flatMap((r) => {
        const row = x.slice(3 * r, 3 * r + 3);
        const inv = 1 / Math.sqrt(row.reduce((s, v) => s + v * v, 0) / 3 + 1e-6);
        return row.map((v, i) => v * inv * w[i]);
      });
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-6);
    });
  });

  it("softcap is cap·tanh(x/cap)", () => {
    tf.tidy(() => {
      expect(maxAbsDiff(softcap(tf.tensor1d([-100, -1, 0, 2]), 3), [-100, -1, 0, 2].map((v) => 3 * Math.tanh(v / 3)))).toBeLessThan(1e-6);
    });
  });

  it("rotary tables and rotation follow rotate_half with [freqs, freqs] halves", () => {
    tf.tidy(() => {
      const inv = [1, 0.1];
      const positions = tf.tensor2d([[0, 0, 1], [0, 1, 2]], undefined, "int32");
      const tables = rotaryCosSin(positions, inv, 2);
      expect(tables.cos.shape).toEqual([2, 3, 4]);
      const x = seeded([2, 1, 3, 4], 1);
      const got = applyRotary(x as tf.Tensor4D, tables).arraySync() as number[][][][];
      const xs = x.arraySync() as number[][][][];
      const pos = positions.arraySync() as number[][];
      for (let b = 0; b < 2; b++) {
        for (let t = 0; t < 3; t++) {
          const v = xs[b][0][t];
          const ang = [...inv, ...inv].map((f) => f * pos[b][t]);
          const rot = [-v[2], -v[3], v[0], v[1]];
          const want = v.map((val, i) => 2 * (val * Math.cos(ang[i]) + rot[i] * Math.sin(ang[i])));
          want.forEach((w, i) => expect(Math.abs(got[b][0][t][i] - w)).toBeLessThan(1e-5));
        }
      }
    });
  });

  it("slidingWindowMask masks keys at distance ≥ window", () => {
    tf.tidy(() => {
      const m = slidingWindowMask(4, 2)!;
      const rows = (m.arraySync() as number[][][][])[0][0].map((r) => r.map((v) => (v === 0 ? 0 : 1)));
      expect(rows).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0]]);
      expect(slidingWindowMask(4, 4)).toBeUndefined();
      expect(m.dataSync().every((v) => v === 0 || v === MASKED_SCORE)).toBe(true);
    });
  });

  it("grouped-query attention equals attention over repeated key/value heads, values and gradients, without transposed matMuls", () => {
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const [b, h, kvh, l, d] = [2, 6, 2, 5, 4];
      const q = seeded([b, h, l, d], 2) as tf.Tensor4D;
      const k = seeded([b, kvh, l, d], 3) as tf.Tensor4D;
      const v = seeded([b, kvh, l, d], 4) as tf.Tensor4D;
      const mask = additiveAttentionMask({ queryLength: l, keyMask: tf.tensor2d([[0, 1, 1, 1, 1], [1, 1, 1, 1, 1]]), causal: true });
      // repeat_kv: head i reads kv head ⌊i / 3⌋
      const repeat = (t: tf.Tensor4D) => {
        const [k0, k1] = tf.split(t, 2, 1);
        return tf.concat([k0, k0, k0, k1, k1, k1], 1) as tf.Tensor4D;
      };
      const reference = (qq: tf.Tensor4D, kk: tf.Tensor4D, vv: tf.Tensor4D) => {
        const scores = softcap(tf.mul(tf.matMul(qq, repeat(kk), false, true), 0.3), 2);
        return tf.matMul(tf.softmax(tf.add(scores, mask!)), repeat(vv));
      };
      const ours = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => groupedQueryAttention(qq as tf.Tensor4D, kk as tf.Tensor4D, vv as tf.Tensor4D, { mask, scale: 0.3, softcap: 2 });
      expect(maxAbsDiff(ours(q, k, v), reference(q, k, v))).toBeLessThan(1e-5);
      const weights = seeded([b, h, l, d], 5);
      const loss = (f: (a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => tf.sum(tf.mul(f(a, c, e), weights));
      const got = tf.grads(loss(ours))([q, k, v]);
      const want = tf.grads(loss((a, c, e) => reference(a as tf.Tensor4D, c as tf.Tensor4D, e as tf.Tensor4D)))([q, k, v]);
      got.forEach((g, i) => expect(maxAbsDiff(g, want[i])).toBeLessThan(1e-5));
      const calls = recordKernels(() => { tf.grads(loss(ours))([q, k, v]); });
      expect(transposedMatMuls(calls)).toEqual([]);
      // one kv head per query head is plain multi-head attention
      expect(maxAbsDiff(groupedQueryAttention(q, q, q, { mask }), attention(q, q, q, mask))).toBeLessThan(1e-6);
    });
    expect(tf.memory().numTensors).toBe(start);
  });
});
