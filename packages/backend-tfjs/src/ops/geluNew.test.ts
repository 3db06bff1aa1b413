import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../index.js";
import { gelu } from "./gelu.js";
import { geluNew } from "./geluNew.js";
import { silu } from "./silu.js";

const xs = Array.from({ length: 121 }, (_, i) => -6 + i * 0.1);
const geluNewRef = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
const run = (f: (t: tf.Tensor1D) => tf.Tensor1D, values: number[]): Float32Array => {
  const t = tf.tensor1d(values);
  const y = f(t);
  const out = y.dataSync() as Float32Array;
  tf.dispose([t, y]);
  return out;
};

describe.each(["cpu", "wasm"] as const)("activations on %s", (backend) => {
  beforeAll(async () => { await useBackend(backend); });

  it("geluNew matches HF's gelu_new formula (tanh approximation)", () => {
    const got = run(geluNew, xs);
    xs.forEach((x, i) => expect(Math.abs(got[i] - geluNewRef(x))).toBeLessThan(2e-6));
    // Values of transformers.activations.NewGELUActivation in float64.
    expect(Array.from(run(geluNew, [1, -1, 2.5, -3]))).toEqual(
      [0.8411919906082768, -0.15880800939172324, 2.484915733910001, -0.0036373920817729943].map((v) => expect.closeTo(v, 6)),
    );
  });

  it("geluNew's gradient matches the analytic derivative", () => {
    const t = tf.tensor1d(xs);
    const g = tf.grad((x: tf.Tensor) => tf.sum(geluNew(x)))(t);
    const got = g.dataSync();
    const h = 1e-5;
    xs.forEach((x, i) => expect(Math.abs(got[i] - (geluNewRef(x + h) - geluNewRef(x - h)) / (2 * h))).toBeLessThan(1e-5));
    tf.dispose([t, g]);
  });

  it("silu = x·sigmoid(x) and gelu = exact erf GELU", () => {
    const s = run(silu, [1, -2, 0]);
    expect(s[0]).toBeCloseTo(0.7310585786300049, 6);
    expect(s[1]).toBeCloseTo(-2 / (1 + Math.exp(2)), 6);
    expect(s[2]).toBe(0);
    expect(run(gelu, [1])[0]).toBeCloseTo(0.8413447460685429, 6);
  });
});
