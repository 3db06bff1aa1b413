import type { AggregationFunction } from "./aggregationFunction.js";
import { getAggregationFunction } from "./aggregationFunctionRegistry.js";

/** An aggregation function given by id or as a function; `fallback` (an id) when none is given. */
export function resolveAggregationFunction(fn: string | AggregationFunction | undefined, fallback: string): AggregationFunction {
  if (typeof fn === "function") return fn;
  return getAggregationFunction(fn ?? fallback);
}
