import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { layerNorm } from "./layerNorm.js";

describe.each(["cpu", "wasm"] as const)("layerNorm on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it("normalises the last axis with biased variance, then scales and shifts", () => {
    const rows = [[1, 2, 3, 4], [10, -10, 5, 0.5]];
    const gamma = [1, 2, 0.5, -1];
    const beta = [0, 1, -1, 0.25];
    const eps = 1e-5;
    const start = tf.memory().numTensors;
    const x = tf.tensor2d(rows);
    const g = tf.tensor1d(gamma);
    const b = tf.tensor1d(beta);
    const y = layerNorm(x, g, b, eps);
    const got = y.arraySync() as number[][];
    tf.dispose([x, g, b, y]);
    expect(tf.memory().numTensors).toBe(start);
    rows.forEach((row, r) => {
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
      row.forEach((v, j) => expect(got[r][j]).toBeCloseTo(((v - mean) / Math.sqrt(variance + eps)) * gamma[j] + beta[j], 5));
    });
  });
});
