// Keeps the README example runnable: the same code, asserted.
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributedSides, getMethod, inputGradients, inputsOf, listMethods, registerMethod, unregisterMethod } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs } from "@inseqjs/core";
import { createToyModel, makeStepInputs } from "@inseqjs/core/testing";
import { expect, it } from "vitest";
import "./index.js";

it("README example runs", async () => {
  await useBackend("cpu");
  expect(listMethods()).toContain("integrated_gradients");
  const model = createToyModel({ vocab: ["the", "cat", "sat", "on", "mat"], hiddenSize: 8, seed: 1 });
  const ids = model.tokenizer.encode("the cat sat on");
  const step = makeStepInputs(model, { targetIds: [ids], targetTokenIds: model.tokenizer.encode("mat") });
  const ig = getMethod("integrated_gradients");
  const options = ig.resolveOptions({ nSteps: 50, internalBatchSize: 16, returnConvergenceDelta: true });
  const { target, deltas } = ig.attributeStep(step, options);
  expect(target!.shape).toEqual([1, 4, 8]);
  expect(Math.abs(deltas!.dataSync()[0])).toBeLessThan(1e-5);
  tf.dispose([target!, deltas!]);

  class SquaredGradient implements AttributionMethod<object> {
    readonly methodName = "squared_gradient";
    readonly usesBaselines = false;
    readonly attributesIds = false;
    resolveOptions() {
      return {};
    }
    attributeStep(s: AttributionStepInputs) {
      return tf.tidy(() => {
        const grads = inputGradients(s, inputsOf(s, attributedSides(s)));
        return { source: grads.source && tf.square(grads.source), target: grads.target && tf.square(grads.target) };
      });
    }
  }
  registerMethod("squared_gradient", () => new SquaredGradient());
  const r = getMethod("squared_gradient").attributeStep(step, {});
  expect(r.target!.shape).toEqual([1, 4, 8]);
  tf.dispose([r.target!]);
  unregisterMethod("squared_gradient");
  step.dispose();
  model.dispose();
});
