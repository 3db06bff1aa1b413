import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import type { AttributionStepInputs } from "@inseqjs/core";
import { beforeAll, describe, expect, it } from "vitest";
import { IntegratedGradients } from "./integratedGradients.js";
import { SequentialIntegratedGradients } from "./sequentialIntegratedGradients.js";
import { maxAbs, maxAbsDiff, runMethod, scores, step, toyModels, total } from "./testing/runMethod.js";

beforeAll(async () => {
  await useBackend("cpu");
});

/** The step with the target baseline equal to the input everywhere except position `i`. */
function onlyPositionMoves(s: AttributionStepInputs, i: number): AttributionStepInputs & { release(): void } {
  const x = s.target.embeds;
  const b = s.target.baselineEmbeds;
  const baselineEmbeds = tf.concat([tf.slice(x, [0, 0, 0], [-1, i, -1]), tf.slice(b, [0, i, 0], [-1, 1, -1]), tf.slice(x, [0, i + 1, 0], [-1, -1, -1])], 1) as tf.Tensor3D;
  return { ...s, target: { ...s.target, baselineEmbeds }, release: () => baselineEmbeds.dispose() };
}

describe("sequential_integrated_gradients", () => {
  it("attributes each position with integrated gradients along that position alone, the others at their inputs", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const [sig] = runMethod(new SequentialIntegratedGradients(), s, { nSteps: 20 });
    for (let i = 0; i < 4; i++) {
      const single = onlyPositionMoves(s, i);
      const [ig] = runMethod(new IntegratedGradients(), single, { nSteps: 20 });
      single.release();
      for (let n = 0; n < 2; n++) {
        expect(maxAbsDiff(sig.target![n][i], ig.target![n][i])).toBeLessThan(1e-7);
        ig.target![n].forEach((col, j) => j !== i && expect(maxAbs(col)).toBe(0));
      }
    }
    expect(maxAbs(sig.target)).toBeGreaterThan(1e-4);
    s.dispose();
  });

  it("returns deltas against the full baseline, and equal numbers with internalBatchSize 7", () => {
    const { causal } = toyModels();
    const s = step(causal, { targetIds: [[0, 3, 4, 5], [0, 6, 7]], targetTokenIds: [6, 8] });
    const [whole] = runMethod(new SequentialIntegratedGradients(), s, { returnConvergenceDelta: true });
    const [chunked] = runMethod(new SequentialIntegratedGradients(), s, { returnConvergenceDelta: true, internalBatchSize: 7 });
    expect(maxAbsDiff(whole, chunked)).toBeLessThan(1e-6);
    const fx = scores(s, {});
    const fb = scores(s, { target: s.target.baselineEmbeds });
    expect(maxAbsDiff(whole.deltas, [0, 1].map((n) => total(whole.target![n]) - (fx[n] - fb[n])))).toBeLessThan(1e-6);
    s.dispose();
  });

  it("equals integrated gradients on a one-token prefix, and attributes source and target side by side", () => {
    const { causal, encdec } = toyModels();
    const one = step(causal, { targetIds: [[3]], targetTokenIds: [6] });
    expect(maxAbsDiff(runMethod(new SequentialIntegratedGradients(), one)[0], runMethod(new IntegratedGradients(), one)[0])).toBeLessThan(1e-7);
    one.dispose();
    const s = step(encdec, { sourceIds: [[3, 4, 0]], targetIds: [[2, 7]], targetTokenIds: [9], attributeTarget: true });
    const [r] = runMethod(new SequentialIntegratedGradients(), s, { nSteps: 10 });
    expect(r.source![0]).toHaveLength(3);
    expect(r.target![0]).toHaveLength(2);
    expect(maxAbs(r.source)).toBeGreaterThan(0);
    s.dispose();
  });
});
