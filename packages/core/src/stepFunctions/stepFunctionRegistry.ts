import { inseqError } from "../errors.js";
import type { StepFunction } from "./stepFunction.js";

const stepFunctions = new Map<string, { fn: StepFunction; description: string }>();

/** Registers a step function under an id (inseq's ids for the built-ins). */
export function registerStepFunction(name: string, fn: StepFunction, options: { description?: string; override?: boolean } = {}): void {
  if (stepFunctions.has(name) && !options.override) {
    throw inseqError("INVALID_OPTION", `A step function "${name}" is already registered; pass { override: true } to replace it.`);
  }
  stepFunctions.set(name, { fn, description: options.description ?? "" });
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
