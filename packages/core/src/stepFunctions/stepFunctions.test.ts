import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { isInseqError } from "../errors.js";
import type { AttributionModel } from "../model.js";
import type { StepContrast, StepFunctionContext } from "./stepFunction.js";
import { getStepFunction, listStepFunctions, registerStepFunction, stepScoreAggregation } from "./stepFunctionRegistry.js";

// Two rows over a vocabulary of 4; reference values are computed here in float64.
const L = [[1, 2, 3, 0.5], [0, -1, 2, 2]];
const C = [[0.5, 2.5, 1, -1], [1, 1, 0, 3]];
const TARGETS = [2, 1];
const CONTRAST_TARGETS = [0, 3];
const model = {} as AttributionModel;

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};
const P = L.map(softmax);
const Q = C.map(softmax);

async function run(name: string, args: Record<string, unknown> = {}, extra: Partial<StepFunctionContext> = {}, contrast = true): Promise<number[]> {
  const before = tf.memory().numTensors;
  const logits = tf.tensor2d(L);
  const targetIds = tf.tensor1d(TARGETS, "int32");
  const cLogits = tf.tensor2d(C);
  const cTargets = tf.tensor1d(CONTRAST_TARGETS, "int32");
  let forwards = 0;
  const stepContrast: StepContrast = {
    targetIds: cTargets,
    forward: () => {
      forwards++;
      return tf.clone(cLogits);
    },
  };
  try {
    const out = tf.tidy(() => getStepFunction(name)({ logits, targetIds, model, args, contrast: contrast ? stepContrast : undefined, ...extra }));
    const values = [...(await out.data())];
    out.dispose();
    (run as { forwards?: number }).forwards = forwards;
    return values;
  } finally {
    tf.dispose([logits, targetIds, cLogits, cTargets]);
    expect(tf.memory().numTensors).toBe(before);
  }
}

const close = (got: number[], want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `row ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
};

function klReference(p: number[], q: number[], keep: boolean[]): number {
  const zp = p.reduce((a, v, i) => a + (keep[i] ? v : 0), 0);
  const zq = q.reduce((a, v, i) => a + (keep[i] ? v : 0), 0);
  return p.reduce((a, v, i) => (keep[i] ? a + (v / zp) * (Math.log(v / zp) - Math.log(q[i] / zq)) : a), 0);
}

describe.each(["cpu", "wasm"] as const)("step functions on %s", (backend) => {
  afterAll(async () => {
    await useBackend("cpu");
  });

  it("logit, probability, entropy, crossentropy and perplexity match float64 references", async () => {
    await useBackend(backend);
    close(await run("logit"), [3, -1]);
    close(await run("probability"), TARGETS.map((t, r) => P[r][t]));
    close(await run("probability", { logprob: true }), TARGETS.map((t, r) => Math.log(P[r][t])));
    close(await run("entropy"), P.map((p) => -p.reduce((a, v) => a + v * Math.log(v), 0)));
    const ce = TARGETS.map((t, r) => -Math.log(P[r][t]));
    close(await run("crossentropy"), ce);
    close(await run("perplexity"), ce.map((c) => 2 ** c)); // inseq 0.6: 2 ** (cross entropy in nats)
  });

  it("contrastive functions as step scores use the contrast forward and contrast targets", async () => {
    await useBackend(backend);
    const p = TARGETS.map((t, r) => P[r][t]);
    const q = CONTRAST_TARGETS.map((t, r) => Q[r][t]);
    close(await run("contrast_logits"), CONTRAST_TARGETS.map((t, r) => C[r][t]));
    close(await run("contrast_prob"), q);
    close(await run("contrast_prob", { logprob: true }), q.map(Math.log));
    close(await run("contrast_logits_diff"), TARGETS.map((t, r) => L[r][t] - C[r][CONTRAST_TARGETS[r]]));
    close(await run("contrast_prob_diff"), p.map((v, r) => v - q[r]));
    close(await run("contrast_prob_diff", { logprob: true }), p.map((v, r) => Math.log(v) - Math.log(q[r])));
    close(await run("pcxmi"), p.map((v, r) => -Math.log2(v / q[r])));
    close(await run("in_context_pvi"), p.map((v, r) => -Math.log(v) + Math.log(q[r])));
    expect((run as { forwards?: number }).forwards).toBe(1);
  });

  it("as the attributed function, contrast functions keep the original forward unless contrastForceInputs", async () => {
    await useBackend(backend);
    const p = TARGETS.map((t, r) => P[r][t]);
    const sameForward = CONTRAST_TARGETS.map((t, r) => P[r][t]);
    close(await run("contrast_prob_diff", {}, { isAttributedFn: true }), p.map((v, r) => v - sameForward[r]));
    expect((run as { forwards?: number }).forwards).toBe(0);
    const q = CONTRAST_TARGETS.map((t, r) => Q[r][t]);
    close(await run("contrast_prob_diff", { contrastForceInputs: true }, { isAttributedFn: true }), p.map((v, r) => v - q[r]));
    close(await run("contrast_prob_diff", { contrast_force_inputs: true }, { isAttributedFn: true }), p.map((v, r) => v - q[r]));
    expect((run as { forwards?: number }).forwards).toBe(1);
  });

  it("kl_divergence: full distributions, top-k and top-p filtering of the summed logits", async () => {
    await useBackend(backend);
    const all = [true, true, true, true];
    close(await run("kl_divergence"), P.map((p, r) => klReference(p, Q[r], all)));
    // top-2 of L + C: row 0 sums [1.5, 4.5, 4, -0.5] → {1, 2}; row 1 sums [1, 0, 2, 5] → {3, 2}
    const top2 = [[false, true, true, false], [false, false, true, true]];
    close(await run("kl_divergence", { topK: 2 }), P.map((p, r) => klReference(p, Q[r], top2[r])));
    close(await run("kl_divergence", { top_k: 2 }), P.map((p, r) => klReference(p, Q[r], top2[r])));
    // top-p 0.9 over softmax(L + C): row 0 = [.0256, .5144, .3120, .0052…]: drop the two smallest (cum .0309 ≤ .1)
    const merged = L.map((row, r) => softmax(row.map((v, j) => v + C[r][j])));
    const keep = merged.map((m) => {
      const order = m.map((_, j) => j).sort((a, b) => m[a] - m[b]);
      let cum = 0;
      const k = [true, true, true, true];
      for (const j of order.slice(0, -1)) {
        cum += m[j];
        if (cum <= 0.1) k[j] = false;
      }
      return k;
    });
    expect(keep[0]).toEqual([false, true, true, false]);
    close(await run("kl_divergence", { topP: 0.9 }), P.map((p, r) => klReference(p, Q[r], keep[r])));
    close(await run("kl_divergence", { topP: 0.9, topK: 1 }), P.map((p, r) => klReference(p, Q[r], [0, 1, 2, 3].map((j) => j === (r === 0 ? 1 : 3)))), 1e-4);
  });

  it("top_p_size counts the nucleus per row", async () => {
    await useBackend(backend);
    // row 0 probabilities ≈ [.0844, .2295, .6239, .0512]: top-p .8 keeps {2, 1}; row 1 ≈ [.0573, .0211, .4608, .4608]: keeps {2, 3}
    expect(await run("top_p_size", { topP: 0.8 })).toEqual([2, 2]);
    expect(await run("top_p_size", { topP: 1 })).toEqual([4, 4]);
    expect(await run("top_p_size", { topP: 0.5 })).toEqual([1, 2]);
  });
});

describe("step function errors and registry", () => {
  it("contrastive functions without contrast inputs, kl_divergence as the attributed function, bad options", async () => {
    await useBackend("cpu");
    const expectCode = async (p: Promise<unknown>, pattern: RegExp) => {
      try {
        await p;
        expect.unreachable();
      } catch (e) {
        expect(isInseqError(e, "INVALID_OPTION"), String(e)).toBe(true);
        expect((e as Error).message).toMatch(pattern);
      }
    };
    await expectCode(run("contrast_prob_diff", {}, {}, false), /contrastTargets.*stepScoresArgs/);
    await expectCode(run("pcxmi", {}, { isAttributedFn: true }, false), /attributedFnArgs/);
    await expectCode(run("kl_divergence", {}, { isAttributedFn: true }), /contrastForceInputs: true/);
    await expectCode(run("kl_divergence", { topK: 9 }), /topK must be an integer in \[0, 4\]/);
    await expectCode(run("kl_divergence", { topP: 2 }), /topP must be a number in \[0, 1\]/);
    await expectCode(run("top_p_size"), /needs option topP/);
    await expectCode(run("probability", { logprob: "yes" }), /logprob must be true or false/);
  });

  it("lists every inseq step function with inseq's span rules, and accepts custom ones", () => {
    expect(listStepFunctions()).toEqual(expect.arrayContaining([
      "logit", "probability", "entropy", "crossentropy", "perplexity", "contrast_logits", "contrast_prob", "contrast_logits_diff",
      "contrast_prob_diff", "pcxmi", "kl_divergence", "in_context_pvi", "top_p_size",
    ]));
    expect(["probability", "entropy", "crossentropy", "perplexity", "contrast_prob_diff", "contrast_prob", "pcxmi", "kl_divergence", "logit"].map((n) => stepScoreAggregation(n, "spans")))
      .toEqual(["prod", "sum", "sum", "prod", "prod", "prod", "sum", "sum", undefined]);
    const double = ({ logits }: StepFunctionContext) => tf.tidy(() => tf.mul(tf.max(logits, 1), 2) as tf.Tensor1D);
    registerStepFunction("test_double_max", double, { aggregateMap: { spans: "mean" } });
    expect(getStepFunction("test_double_max")).toBe(double);
    expect(stepScoreAggregation("test_double_max", "spans")).toBe("mean");
    expect(() => registerStepFunction("test_double_max", double)).toThrow(/already registered/);
    registerStepFunction("test_double_max", double, { override: true });
    try {
      getStepFunction("nope");
      expect.unreachable();
    } catch (e) {
      expect(isInseqError(e, "UNKNOWN_STEP_FUNCTION")).toBe(true);
      expect((e as Error).message).toMatch(/contrast_prob_diff.*test_double_max/);
    }
  });
});
