import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { SequenceAttributionData } from "../output/types.js";

function weightColumns(a: NdArray, weights: Float32Array): NdArray {
  const nSteps = a.shape[1];
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  return { data: Float32Array.from(a.data, (v, i) => v * weights[Math.floor(i / inner) % nSteps]), shape: [...a.shape] };
}

/**
 * Multiplies every step column of the attributions by that step's value of the step score `stepScore` (inseq's
 * `weight_attributions`, applied to aggregated data).
 */
export function weightAttributions(data: SequenceAttributionData, stepScore: string): SequenceAttributionData {
  const scores = data.stepScores[stepScore];
  if (!scores) {
    const have = Object.keys(data.stepScores);
    throw inseqError("INVALID_OPTION", `weightAttributions: no step score "${stepScore}" (this output has ${have.length ? have.join(", ") : "none"}); attribute with stepScores: ["${stepScore}"].`);
  }
  if (scores.shape.length !== 1) throw inseqError("INVALID_OPTION", `weightAttributions: step score "${stepScore}" has shape [${scores.shape.join(", ")}]; one value per step is needed.`);
  return {
    ...data,
    sourceAttributions: data.sourceAttributions && weightColumns(data.sourceAttributions, scores.data),
    targetAttributions: data.targetAttributions && weightColumns(data.targetAttributions, scores.data),
  };
}
