import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRandomGpt2 } from "./buildRandomGpt2.js";
import type { ModelFolderFiles } from "./buildRandomGpt2.js";
import { buildRandomLlama } from "./buildRandomLlama.js";
import type { Gpt2Shape } from "./gpt2Shape.js";
import type { LlamaShape } from "./llamaShape.js";

/** Bumped whenever {@link buildRandomGpt2} changes what it writes, so stale caches are rebuilt. */
const BUILDER_VERSION = 1;
/** Bumped whenever {@link buildRandomLlama} changes what it writes. */
const LLAMA_BUILDER_VERSION = 1;

/**
 * The model folder `name` under `cacheDir`, built once by `build`: later calls find the stamp file (whose content
 * must equal `stamp`) and return at once. Writes to a temporary folder first, so an interrupted build is never reused.
 */
export function ensureModelFolder(cacheDir: string, name: string, stamp: string, build: () => ModelFolderFiles, log: (line: string) => void = () => {}): string {
  const dir = join(cacheDir, name);
  const stampFile = join(dir, "bench-model.json");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return dir;
  log(`building the benchmark model ${name} (once; cached in ${cacheDir})`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [file, content] of Object.entries(build())) writeFileSync(join(tmp, file), content);
  writeFileSync(join(tmp, "bench-model.json"), stamp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** The folder of the benchmark GPT-2 for `shape` and `seed` under `cacheDir`, built once. */
export function ensureBenchModel(cacheDir: string, shape: Gpt2Shape, seed: number, log: (line: string) => void = () => {}): string {
  const name = `gpt2-l${shape.nLayer}-d${shape.nEmbd}-h${shape.nHead}-v${shape.vocabSize}-seed${seed}`;
  return ensureModelFolder(cacheDir, name, JSON.stringify({ builder: BUILDER_VERSION, shape, seed }), () => buildRandomGpt2(shape, seed), log);
}

/** The folder of the benchmark Llama (BF16) for `shape` and `seed` under `cacheDir`, built once. */
export function ensureBenchLlama(cacheDir: string, shape: LlamaShape, seed: number, log: (line: string) => void = () => {}): string {
  const name = `llama-l${shape.numLayers}-d${shape.hiddenSize}-i${shape.intermediateSize}-h${shape.numHeads}-kv${shape.numKvHeads}-v${shape.vocabSize}-bf16-seed${seed}`;
  const stamp = JSON.stringify({ builder: `llama-${LLAMA_BUILDER_VERSION}`, shape, seed });
  return ensureModelFolder(cacheDir, name, stamp, () => buildRandomLlama(shape, seed), log);
}
