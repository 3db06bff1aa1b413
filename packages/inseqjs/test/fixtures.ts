import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Repo folder of a shipped model (`models/tiny-gpt2`). */
export function modelPath(name: "tiny-gpt2" | "tiny-marian"): string {
  return fileURLToPath(new URL(`../../../models/${name}/`, import.meta.url));
}

/** One step of a Captum reference case. */
export interface ExpectedStep {
  step: number;
  target_id: number;
  prefix_len: number;
  probability: number;
  delta: number[] | null;
  source_attributions: number[][] | null;
  target_attributions: number[][] | null;
  gradient_shap_alphas?: number[];
}

/** One reference case (`natural` / `greedy`). */
export interface ExpectedCase {
  id: string;
  input_text: string;
  generated_text: string;
  source_ids: number[] | null;
  target_ids: number[];
  source_baseline_ids: number[] | null;
  target_baseline_ids: number[];
  attr_pos_start: number;
  attr_pos_end: number;
  steps: ExpectedStep[];
  sequence: {
    source_attributions_aggregated: (number | null)[][] | null;
    target_attributions_aggregated: (number | null)[][] | null;
    step_scores: Record<string, number[]>;
    deltas: number[][] | null;
  };
  dig_word_paths?: number[][];
}

/** A reference file of `test-data/expected`. */
export interface ExpectedFile {
  model: string;
  method: string;
  args: Record<string, unknown>;
  cases: ExpectedCase[];
}

/** Reads `test-data/expected/<model>/<file>.json`. */
export function expected(model: string, file: string): ExpectedFile {
  return JSON.parse(readFileSync(new URL(`../../../test-data/expected/${model}/${file}.json`, import.meta.url), "utf8"));
}

/** Tolerances of test-data/README.md: per step, |got − exp| ≤ atol + rtol · max|exp_step|. */
export function tolerance(file: string): { atol: number; rtol: number } {
  if (file.endsWith("__attribute_target")) return { atol: 2e-4, rtol: 2e-3 };
  if (/^(saliency|input_x_gradient|deeplift|layer_gradient_x_activation|layer_deeplift)/.test(file)) return { atol: 1e-5, rtol: 1e-4 };
  return { atol: 1e-4, rtol: 1e-3 };
}

/** Largest violation of the tolerance (≤ 0 means within), comparing rows `[0, rows)` of a `(len, nSteps, dim)` array at column k. */
export function stepExcess(got: { data: Float32Array; shape: readonly number[] }, k: number, exp: number[][], tol: { atol: number; rtol: number }): number {
  const [, nSteps, dim] = got.shape;
  const maxAbs = Math.max(...exp.flat().map(Math.abs));
  let worst = -Infinity;
  exp.forEach((row, j) =>
    row.forEach((e, d) => {
      const g = got.data[(j * nSteps + k) * dim + d];
      const excess = Number.isNaN(g) ? Infinity : Math.abs(g - e) - (tol.atol + tol.rtol * maxAbs);
      worst = Math.max(worst, excess);
    }),
  );
  return worst;
}
