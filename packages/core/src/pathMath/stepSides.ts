import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "../errors.js";
import type { AttributedSide, AttributionStepInputs, StepForwardInputs } from "../method.js";
import type { InputSide } from "../model.js";

/** One `(rows, len, hidden)` tensor per input side, keyed `"source"` / `"target"`. */
export type SideTensors = Record<string, tf.Tensor3D>;

/** The sides a step asks to attribute, source first. */
export function attributedSides(step: AttributionStepInputs): InputSide[] {
  const sides: InputSide[] = [];
  if (step.attributeSource) sides.push("source");
  if (step.attributeTarget) sides.push("target");
  if (sides.length === 0) throw inseqError("INVALID_OPTION", "The step attributes neither source nor target; enable attributeTarget or use an encoder-decoder model.");
  return sides;
}

/** The step's tensors of `side` (throws if the step has no such side). */
export function stepSide(step: AttributionStepInputs, side: InputSide): AttributedSide {
  const s = side === "source" ? step.source : step.target;
  if (!s) throw inseqError("INTERNAL", `The step asks to attribute the ${side} but carries no ${side} tensors.`);
  return s;
}

/** `{ side: fn(side) }` for every side in `sides`. */
export function mapSides(sides: readonly InputSide[], fn: (side: InputSide) => tf.Tensor3D): SideTensors {
  return Object.fromEntries(sides.map((side) => [side, fn(side)]));
}

/** Input embeddings of the attributed sides. */
export function inputsOf(step: AttributionStepInputs, sides: readonly InputSide[]): SideTensors {
  return mapSides(sides, (side) => stepSide(step, side).embeds);
}

/** Baseline embeddings of the attributed sides. */
export function baselinesOf(step: AttributionStepInputs, sides: readonly InputSide[]): SideTensors {
  return mapSides(sides, (side) => stepSide(step, side).baselineEmbeds);
}

/** Step forward inputs placing `points` ((repeat·batch, len, hidden) per side) on their sides. */
export function forwardInputs(points: SideTensors, repeat: number): StepForwardInputs {
  return { repeat, sourceEmbeds: points.source, targetEmbeds: points.target };
}
