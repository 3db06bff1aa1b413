import { inseqError } from "../errors.js";
import { BUILTIN_STEP_FUNCTIONS, type StepFunctionEntry } from "./builtinStepFunctionTable.js";
import type { StepFunction } from "./stepFunction.js";

const stepFunctions = new Map<string, StepFunctionEntry>(Object.entries(BUILTIN_STEP_FUNCTIONS));

/** Options of {@link registerStepFunction}. */
export interface RegisterStepFunctionOptions {
  readonly description?: string;
  /** Replace an existing registration. */
  readonly override?: boolean;
  /**
   * Aggregation function id per aggregator family used when aggregators merge tokens (`{ spans: "sum" }`; default:
   * the aggregator's own function); inseq's `aggregate_map`.
   */
  readonly aggregateMap?: Readonly<Record<string, string>>;
}

/**
 * Registers a step function under an id, usable as a step score and as the attributed function (inseq's ids for
 * the built-ins: `logit`, `probability`, `entropy`, `crossentropy`, `perplexity`, `contrast_logits`,
 * `contrast_prob`, `contrast_logits_diff`, `contrast_prob_diff`, `pcxmi`, `kl_divergence`, `in_context_pvi`,
 * `top_p_size`).
 */
export function registerStepFunction(name: string, fn: StepFunction, options: RegisterStepFunctionOptions = {}): void {
  if (typeof fn !== "function") throw inseqError("INVALID_OPTION", `Step function "${name}" must be a function (ctx) => tf.Tensor1D.`);
  if (stepFunctions.has(name) && !options.override) {
    throw inseqError("INVALID_OPTION", `A step function "${name}" is already registered; pass { override: true } to replace it.`);
  }
  stepFunctions.set(name, { fn, description: options.description ?? "", aggregateMap: { ...(options.aggregateMap ?? {}) } });
}

/** Ids of every registered step function, sorted. */
export function listStepFunctions(): string[] {
  return [...stepFunctions.keys()].sort();
}

/** The step function registered as `name`; unknown ids throw `UNKNOWN_STEP_FUNCTION` listing the valid ones. */
export function getStepFunction(name: string): StepFunction {
  const entry = stepFunctions.get(name);
  if (!entry) {
    throw inseqError("UNKNOWN_STEP_FUNCTION", `Unknown step function "${name}". Registered step functions: ${listStepFunctions().join(", ")}.`);
  }
  return entry.fn;
}

/** One-line description of a registered step function ("" when none was given or the id is unknown). */
export function describeStepFunction(name: string): string {
  return stepFunctions.get(name)?.description ?? "";
}

/**
 * The aggregation function id that aggregators of `family` (`spans`) use to merge the step score `name` (e.g.
 * `prod` for `probability`), or undefined when the aggregator's own function applies.
 */
export function stepScoreAggregation(name: string, family: string): string | undefined {
  return stepFunctions.get(name)?.aggregateMap[family];
}
