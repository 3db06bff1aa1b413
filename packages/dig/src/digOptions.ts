import { inseqError, type RawMethodOptions } from "@inseqjs/core";
import type { PathStrategy } from "./pathBuilder/wordPathSearch.js";

/** Options of `discretized_integrated_gradients` (inseq's defaults). */
export interface DiscretizedIntegratedGradientsOptions {
  /** Points of every path, baseline and input included (inseq `n_steps`, default 50). */
  readonly nSteps: number;
  /** Anchor search: `greedy` (default) or `maxcount`. */
  readonly strategy: PathStrategy;
  /** Neighbours searched per anchor word (default 50). */
  readonly nNeighbors: number;
  /** Multiply the path sum by `input − baseline` (default false, as inseq). */
  readonly multiplyByInputs: boolean;
  /** Most rows (path points × batch) per forward/backward pass; the numbers do not change. Default: all at once. */
  readonly internalBatchSize?: number;
  /** Persist neighbour lists between runs (Node: `cacheDir`; browsers: IndexedDB). Default true. */
  readonly cache: boolean;
  /** Node folder of the neighbour cache (default `~/.cache/inseqjs/dig`). */
  readonly cacheDir?: string;
}

const DEFAULTS = { nSteps: 50, strategy: "greedy", nNeighbors: 50, multiplyByInputs: false, cache: true } as const;
const KNOWN = ["nSteps", "strategy", "nNeighbors", "multiplyByInputs", "internalBatchSize", "cache", "cacheDir"];

function bad(message: string): never {
  throw inseqError("INVALID_OPTION", `discretized_integrated_gradients: ${message}`);
}

function integer(raw: RawMethodOptions, name: string, min: number, fallback?: number): number | undefined {
  const value = raw[name] ?? fallback;
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) bad(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
  return value as number | undefined;
}

function boolean(raw: RawMethodOptions, name: string, fallback: boolean): boolean {
  const value = raw[name] ?? fallback;
  if (typeof value !== "boolean") bad(`${name} must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

/** Validates raw options and fills inseq's defaults; unknown keys are rejected with the valid ones listed. */
export function resolveDigOptions(raw: RawMethodOptions): DiscretizedIntegratedGradientsOptions {
  for (const key of Object.keys(raw)) {
    if (KNOWN.includes(key) || raw[key] === undefined) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = KNOWN.includes(camel) ? ` Did you mean ${camel}?` : key === "method" ? " Did you mean strategy?" : "";
    bad(`unknown option "${key}".${hint} Valid options: ${KNOWN.join(", ")}.`);
  }
  const strategy = raw.strategy ?? DEFAULTS.strategy;
  if (strategy !== "greedy" && strategy !== "maxcount") bad(`strategy must be "greedy" or "maxcount", got ${JSON.stringify(strategy)}.`);
  const cacheDir = raw.cacheDir;
  if (cacheDir !== undefined && (typeof cacheDir !== "string" || cacheDir === "")) bad(`cacheDir must be a folder path, got ${JSON.stringify(cacheDir)}.`);
  return {
    nSteps: integer(raw, "nSteps", 2, DEFAULTS.nSteps)!,
    strategy,
    nNeighbors: integer(raw, "nNeighbors", 1, DEFAULTS.nNeighbors)!,
    multiplyByInputs: boolean(raw, "multiplyByInputs", DEFAULTS.multiplyByInputs),
    internalBatchSize: integer(raw, "internalBatchSize", 1),
    cache: boolean(raw, "cache", DEFAULTS.cache),
    cacheDir,
  };
}
