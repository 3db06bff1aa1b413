// Test support (not part of the published build): toy models, running a method on a step, reading results back.
import * as tf from "@tensorflow/tfjs-core";
import { createToyModel } from "@inseqjs/core/testing";
import type { AttributionMethod, AttributionModel, AttributionStepInputs, RawMethodOptions, StepForwardInputs } from "@inseqjs/core";
import { expect } from "vitest";

export const VOCAB = "the cat sat on a mat dog ran far away and then slept".split(" ");

/** A decoder-only toy (hidden 8, embedScale 2) and an encoder-decoder toy (hidden 8, embedScale √8). */
export function toyModels(seed = 21): { causal: AttributionModel; encdec: AttributionModel } {
  return {
    causal: createToyModel({ vocab: VOCAB, hiddenSize: 8, seed, embedScale: 2 }),
    encdec: createToyModel({ vocab: VOCAB, hiddenSize: 8, seed: seed + 1, encoderDecoder: true, embedScale: Math.sqrt(8) }),
  };
}

/** Attribution results as nested arrays. */
export interface Result {
  source?: number[][][];
  target?: number[][][];
  deltas?: number[];
}

/** Resolves `raw`, hooks, attributes one step, unhooks; reads the results back and asserts that no tensor leaked. */
export function runMethod(method: AttributionMethod<any>, step: AttributionStepInputs, raw: RawMethodOptions = {}): Result {
  const options = method.resolveOptions(raw);
  const start = tf.memory().numTensors;
  void method.hook?.(step.model, options, { targetIds: [], targetBaselineIds: [], attributeTarget: step.attributeTarget });
  const r = method.attributeStep(step, options);
  const out: Result = { source: r.source?.arraySync(), target: r.target?.arraySync(), deltas: r.deltas?.arraySync() as number[] | undefined };
  tf.dispose([r.source, r.target, r.deltas].filter((t): t is tf.Tensor => t !== undefined));
  method.unhook?.();
  expect(tf.memory().numTensors).toBe(start);
  return out;
}

/** Attributed-function scores `(batch)` of one step forward. */
export function scores(step: AttributionStepInputs, inputs: StepForwardInputs = {}): number[] {
  return tf.tidy(() => Array.from(step.forward(inputs).scores.dataSync()));
}

/** Largest absolute difference between two equally shaped nested arrays (undefined must match undefined). */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length).toBe(b.length);
    return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i])));
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

/** `a · k` elementwise for nested arrays. */
export function scaled(a: unknown, k: number): unknown {
  return Array.isArray(a) ? a.map((x) => scaled(x, k)) : (a as number) * k;
}
