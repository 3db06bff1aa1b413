import { inseqError } from "../errors.js";
import type { SequenceAttributionData } from "../output/types.js";
import { validateSequenceAttribution } from "../output/validateSequenceAttribution.js";
import type { AggregationFunction } from "./aggregationFunction.js";
import { listAggregationFunctions } from "./aggregationFunctionRegistry.js";
import type { Aggregator, AggregatorInput, AggregatorOptions, AggregatorStep } from "./aggregator.js";
import { findAggregator, getAggregator } from "./aggregatorRegistry.js";

interface ResolvedStep {
  readonly name: string;
  readonly aggregator: Aggregator;
  readonly aggregateFn?: string | AggregationFunction;
}

function resolveOne(step: string | Aggregator, fn?: string | AggregationFunction): ResolvedStep {
  if (typeof step !== "string") {
    if (typeof step?.aggregate !== "function") throw inseqError("INVALID_OPTION", "An aggregator must be an id or an object with aggregate(data, options).");
    return { name: "(custom aggregator)", aggregator: step, aggregateFn: fn };
  }
  const found = findAggregator(step);
  if (found) return { name: step, aggregator: found, aggregateFn: fn };
  if (listAggregationFunctions().includes(step)) {
    if (fn !== undefined) throw inseqError("INVALID_OPTION", `"${step}" is an aggregation function; give it alone, not with aggregateFn.`);
    return { name: "scores", aggregator: getAggregator("scores"), aggregateFn: step };
  }
  return { name: step, aggregator: getAggregator(step) };
}

function resolvePipeline(input: AggregatorInput, options: AggregatorOptions): ResolvedStep[] {
  const isPair = (s: unknown): s is readonly [string | Aggregator, string | AggregationFunction] => Array.isArray(s);
  const steps: readonly AggregatorStep[] = Array.isArray(input) ? (input as readonly AggregatorStep[]) : [input as AggregatorStep];
  const fns = options.aggregateFn as unknown;
  if (Array.isArray(fns) && fns.length !== steps.length) {
    throw inseqError("INVALID_OPTION", `aggregateFn lists ${fns.length} functions for ${steps.length} aggregators; give one per aggregator or a single one.`);
  }
  return steps.map((step, i) => {
    const fn = Array.isArray(fns) ? (fns[i] as string | AggregationFunction) : undefined;
    return isPair(step) ? resolveOne(step[0], step[1]) : resolveOne(step, fn);
  });
}

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Runs an aggregator or pipeline on sequence attribution data (inseq's `aggregate(aggregator, **kwargs)`): every
 * step's `validate` first, on the input, then each step in order, checking the data each one returns. Options are
 * shared by all steps (snake_case keys accepted); `aggregateFn` may list one function per step.
 */
export function aggregateWith(data: SequenceAttributionData, input: AggregatorInput, options: AggregatorOptions = {}): SequenceAttributionData {
  const opts: AggregatorOptions = Object.fromEntries(Object.entries(options).map(([k, v]) => [camelCase(k), v]));
  const steps = resolvePipeline(input, opts);
  const optionsOf = (step: ResolvedStep): AggregatorOptions => {
    const base = Array.isArray(opts.aggregateFn) ? { ...opts, aggregateFn: undefined } : opts;
    return step.aggregateFn !== undefined ? { ...base, aggregateFn: step.aggregateFn } : base;
  };
  for (const step of steps) step.aggregator.validate?.(data, optionsOf(step));
  let out = data;
  for (const step of steps) {
    out = step.aggregator.aggregate(out, optionsOf(step));
    try {
      validateSequenceAttribution(out);
    } catch (e) {
      throw inseqError("INVALID_OPTION", `Aggregator ${step.name} returned inconsistent data: ${(e as Error).message}`, e);
    }
  }
  return out;
}
