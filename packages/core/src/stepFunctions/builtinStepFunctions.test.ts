import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { gatherTargets, logit, probability } from "./builtinStepFunctions.js";
import type { AttributionModel } from "../model.js";

describe.each(["cpu", "wasm"] as const)("built-in step functions on %s", (backend) => {
  it("probability, log-probability and logit of the target token", async () => {
    await useBackend(backend);
    const logits = tf.tensor2d([[1, 2, 3], [0.5, -1, 2]]);
    const ids = tf.tensor1d([2, 0], "int32");
    const model = {} as AttributionModel;
    const p = await probability({ logits, targetIds: ids, model, args: {} }).data();
    const z1 = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const z2 = Math.exp(0.5) + Math.exp(-1) + Math.exp(2);
    expect(p[0]).toBeCloseTo(Math.exp(3) / z1, 6);
    expect(p[1]).toBeCloseTo(Math.exp(0.5) / z2, 6);
    const lp = await probability({ logits, targetIds: ids, model, args: { logprob: true } }).data();
    expect(lp[1]).toBeCloseTo(0.5 - Math.log(z2), 5);
    expect([...(await logit({ logits, targetIds: ids, model, args: {} }).data())]).toEqual([3, 0.5]);
    expect([...(await gatherTargets(logits, ids).data())]).toEqual([3, 0.5]);
    await useBackend("cpu");
  });
});
