import { inseqError } from "../errors.js";
import type { Aggregator } from "./aggregator.js";
import { listAggregationFunctions } from "./aggregationFunctionRegistry.js";
import { pairAggregator } from "./pairAggregator.js";
import { scoresAggregator } from "./scoresAggregator.js";
import { slicesAggregator } from "./slicesAggregator.js";
import { spansAggregator } from "./spansAggregator.js";
import { subwordsAggregator } from "./subwordsAggregator.js";

const registry = new Map<string, Aggregator>([
  ["scores", scoresAggregator],
  ["spans", spansAggregator],
  ["subwords", subwordsAggregator],
  ["slices", slicesAggregator],
  ["pair", pairAggregator],
]);

/** Registers an aggregator under an id usable in `aggregate(id)` and pipelines; replacing one needs `{ override: true }`. */
export function registerAggregator(name: string, aggregator: Aggregator, options: { override?: boolean } = {}): void {
  if (typeof aggregator?.aggregate !== "function") throw inseqError("INVALID_OPTION", `Aggregator "${name}" must be an object with aggregate(data, options).`);
  if (registry.has(name) && !options.override) {
    throw inseqError("INVALID_OPTION", `An aggregator "${name}" is already registered; pass { override: true } to replace it.`);
  }
  registry.set(name, aggregator);
}

/** Ids of the registered aggregators, sorted. */
export function listAggregators(): string[] {
  return [...registry.keys()].sort();
}

/** The aggregator registered as `name`, or undefined. */
export function findAggregator(name: string): Aggregator | undefined {
  return registry.get(name);
}

/** The aggregator registered as `name`; unknown ids throw `UNKNOWN_AGGREGATOR` listing aggregators and aggregation functions. */
export function getAggregator(name: string): Aggregator {
  const aggregator = registry.get(name);
  if (!aggregator) {
    throw inseqError(
      "UNKNOWN_AGGREGATOR",
      `Unknown aggregator "${name}". Aggregators: ${listAggregators().join(", ")}; or an aggregation function for the scores aggregator: ${listAggregationFunctions().join(", ")}.`,
    );
  }
  return aggregator;
}
