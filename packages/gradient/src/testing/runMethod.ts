// Test support (not part of the published build): run a method on a toy step and read the results back.
import * as tf from "@tensorflow/tfjs-core";
import { createToyModel, makeStepInputs } from "@inseqjs/core/testing";
import type { MakeStepInputsOptions, TestStepInputs } from "@inseqjs/core/testing";
import type { AttributionMethod, AttributionModel, AttributionStepInputs, RawMethodOptions } from "@inseqjs/core";
import { expect } from "vitest";

export const VOCAB = "the cat sat on a mat dog ran far away and then slept".split(" ");

/** A decoder-only toy model (hidden 8) and an encoder-decoder one (hidden 8, embedScale √8). */
export function toyModels(seed = 11): { causal: AttributionModel; encdec: AttributionModel } {
  return {
    causal: createToyModel({ vocab: VOCAB, hiddenSize: 8, seed }),
    encdec: createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: seed + 1, encoderDecoder: true, embedScale: Math.sqrt(8) }),
  };
}

/** Attribution results as nested arrays. */
export interface Result {
  source?: number[][][];
  target?: number[][][];
  deltas?: number[] | number[][];
}

/**
 * Resolves `raw`, hooks, attributes one step and unhooks; reads results back, disposes them and asserts that no
 * tensor was leaked. `steps` > 1 attributes the same step repeatedly (a run of several steps for stateful methods).
 */
export function runMethod(method: AttributionMethod<any>, step: AttributionStepInputs, raw: RawMethodOptions = {}, steps = 1): Result[] {
  const options = method.resolveOptions(raw);
  const start = tf.memory().numTensors;
  void method.hook?.(step.model, options, { targetIds: [], targetBaselineIds: [], attributeTarget: step.attributeTarget });
  const out: Result[] = [];
  for (let k = 0; k < steps; k++) {
    const r = method.attributeStep(step, options);
    out.push({
      source: r.source?.arraySync(),
      target: r.target?.arraySync(),
      deltas: r.deltas?.arraySync() as number[] | number[][] | undefined,
    });
    tf.dispose([r.source, r.target, r.deltas].filter((t): t is tf.Tensor => t !== undefined));
  }
  method.unhook?.();
  expect(tf.memory().numTensors).toBe(start);
  return out;
}

/** A step from ids (see makeStepInputs). */
export function step(model: AttributionModel, options: MakeStepInputsOptions): TestStepInputs {
  return makeStepInputs(model, options);
}

/** Largest absolute difference between two equally shaped nested arrays. */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length).toBe(b.length);
    return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i])));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return Math.max(0, ...keys.map((k) => maxAbsDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])));
  }
  if (a === undefined || b === undefined) {
    expect(a).toBe(b);
    return 0;
  }
  return Math.abs((a as number) - (b as number));
}

/** Largest absolute value in a nested array. */
export function maxAbs(a: unknown): number {
  return Array.isArray(a) ? Math.max(0, ...a.map(maxAbs)) : Math.abs(a as number);
}

/** Sum of a nested array. */
export function total(a: unknown): number {
  return Array.isArray(a) ? a.reduce((s: number, x) => s + total(x), 0) : (a as number);
}

/** Attributed-function scores of the step with the attributed sides replaced by `embeds` (one copy). */
export function scores(s: AttributionStepInputs, embeds: { source?: tf.Tensor3D; target?: tf.Tensor3D }): number[] {
  return tf.tidy(() => Array.from(s.forward({ sourceEmbeds: embeds.source, targetEmbeds: embeds.target }).scores.dataSync()));
}
