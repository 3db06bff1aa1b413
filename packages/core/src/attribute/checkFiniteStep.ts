import { inseqError } from "../errors.js";
import type { AttributionModel } from "../model.js";

/** Index of the first NaN or ±Infinity in `data[begin, end)`, or -1. */
export function firstNonFinite(data: Float32Array, begin: number, end: number): number {
  // v − v is 0 for every finite v and NaN for NaN and ±Infinity: one comparison per value
  for (let i = begin; i < end; i++) if (data[i] - data[i] !== 0) return i;
  return -1;
}

/** Where a step's values come from, for the message. */
export interface StepLocation {
  readonly model: AttributionModel;
  readonly inputText: string;
  readonly targetIds: readonly number[];
  /** Index in `targetIds` of the token the step explains. */
  readonly position: number;
}

/**
 * Throws `NON_FINITE` when `data[begin, end)` (the `what` of one step, as copied to the host by the step loop)
 * holds NaN or ±Infinity, naming the step's token and the likely causes.
 */
export function checkFiniteStep(what: string, data: Float32Array, begin: number, end: number, at: StepLocation): void {
  const i = firstNonFinite(data, begin, end);
  if (i < 0) return;
  const id = at.targetIds[at.position];
  const token = at.model.tokenizer.convertIdsToTokens([id])[0];
  const input = at.inputText.length > 60 ? `${at.inputText.slice(0, 57)}...` : at.inputText;
  throw inseqError(
    "NON_FINITE",
    `The ${what} of the step explaining token ${JSON.stringify(token)} (id ${id}, target position ${at.position}) of input ${JSON.stringify(input)} ` +
      `contain ${data[i]}. Likely causes: an attributed function or step score that returns NaN or Infinity (log of 0, division by 0), ` +
      `weights or inputs that overflow float32 (float16 weights, extreme logits), or a baseline for which the method divides by zero. ` +
      `Check the model's logits on this text with a plain forward, use float32 weights, or change the attributed function or the baseline.`,
  );
}
