import { inseqError } from "@inseqjs/core";
import type { NumpyRandomState } from "./numpyRandomState.js";
import type { OptionReader } from "@inseqjs/core";

/** Options of the GradientSHAP method. */
export interface GradientShapOptions {
  /** Samples per row and step. Default 5. */
  readonly nSamples: number;
  /** Standard deviation of the Gaussian noise added to the inputs. Default 0. */
  readonly stdevs: number;
  /** Seed of numpy's RandomState for the path coefficients (seed 42 reproduces Captum under `np.random.seed(42)`). Default: random. */
  readonly seed?: number;
  /** Fixed coefficients instead of random ones: one list of `nSamples` used at every step, or one list per step. */
  readonly alphas?: readonly (readonly number[])[];
  readonly perStepAlphas: boolean;
  /** Multiply gradients by `(x − b)`. Default true. */
  readonly multiplyByInputs: boolean;
  /** Rows (samples × batch) per forward; bounds peak memory. Default: all samples in one forward. */
  readonly internalBatchSize?: number;
  /** Also return `Σ attr_k − (f(x̃_k) − f(b))` for every sample k, `(batch, nSamples)`. Default false. */
  readonly returnConvergenceDelta: boolean;
}

/** Validates GradientSHAP options and fills inseq's defaults. */
export function readGradientShapOptions(read: OptionReader): GradientShapOptions {
  const nSamples = read.integer("nSamples", 5, 1);
  const seed = read.optionalInteger("seed", 0);
  if (seed !== undefined && seed > 0xffffffff) read.fail("seed", "an integer in [0, 2^32)");
  const raw = read.value("alphas");
  const isList = (v: unknown): v is number[] => Array.isArray(v) && v.length === nSamples && v.every((a) => typeof a === "number" && Number.isFinite(a));
  let alphas: number[][] | undefined;
  let perStepAlphas = false;
  if (raw !== undefined) {
    if (isList(raw)) alphas = [raw];
    else if (Array.isArray(raw) && raw.length > 0 && raw.every(isList)) [alphas, perStepAlphas] = [raw, true];
    else read.fail("alphas", `a list of ${nSamples} numbers (nSamples), or one such list per step`);
  }
  return {
    nSamples,
    stdevs: read.number("stdevs", 0, 0),
    seed,
    alphas,
    perStepAlphas,
    multiplyByInputs: read.boolean("multiplyByInputs", true),
    internalBatchSize: read.optionalInteger("internalBatchSize", 1),
    returnConvergenceDelta: read.boolean("returnConvergenceDelta", false),
  };
}

/**
 * Coefficients of one step, `batch × nSamples` in Captum's row order (row-major over rows, then samples): fixed
 * `alphas` repeated for every row, or `np.random.uniform(0, 1, batch·nSamples)` from the run's generator.
 */
export function gradientShapCoefficients(options: GradientShapOptions, rng: NumpyRandomState, stepIndex: number, batchSize: number): number[] {
  if (!options.alphas) return rng.uniform(0, 1, batchSize * options.nSamples);
  const list = options.perStepAlphas ? options.alphas[stepIndex] : options.alphas[0];
  if (!list) {
    throw inseqError("INVALID_OPTION", `gradient_shap: option "alphas" holds ${options.alphas.length} per-step lists but step ${stepIndex + 1} needs one; give one list per step or a single list.`);
  }
  return Array.from({ length: batchSize }, () => list).flat();
}
