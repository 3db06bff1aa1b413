import { inseqError } from "../errors.js";
import type { AggregationFunction } from "./aggregationFunction.js";
import { absmax, max, mean, min, prod, sum, vnorm } from "./aggregationFunctions.js";

const registry = new Map<string, AggregationFunction>([
  ["vnorm", vnorm],
  ["sum", sum],
  ["mean", mean],
  ["max", max],
  ["min", min],
  ["prod", prod],
  ["absmax", absmax],
]);

/**
 * Registers an aggregation function under an id usable as `aggregate({ aggregateFn: id })`. Replacing an existing
 * id needs `{ override: true }`.
 */
export function registerAggregationFunction(name: string, fn: AggregationFunction, options: { override?: boolean } = {}): void {
  if (typeof fn !== "function") throw inseqError("INVALID_OPTION", `Aggregation function "${name}" must be a function (values: Float32Array) => number.`);
  if (registry.has(name) && !options.override) {
    throw inseqError("INVALID_OPTION", `An aggregation function "${name}" is already registered; pass { override: true } to replace it.`);
  }
  registry.set(name, fn);
}

/** Ids of the registered aggregation functions, sorted. */
export function listAggregationFunctions(): string[] {
  return [...registry.keys()].sort();
}

/** The aggregation function registered as `name`; unknown ids throw `UNKNOWN_AGGREGATOR` listing the valid ones. */
export function getAggregationFunction(name: string): AggregationFunction {
  const fn = registry.get(name);
  if (!fn) throw inseqError("UNKNOWN_AGGREGATOR", `Unknown aggregation function "${name}". Choose one of: ${listAggregationFunctions().join(", ")}.`);
  return fn;
}
