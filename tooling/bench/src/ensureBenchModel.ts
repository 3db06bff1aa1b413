import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRandomGpt2 } from "./buildRandomGpt2.js";
import type { Gpt2Shape } from "./gpt2Shape.js";

/** Bumped whenever {@link buildRandomGpt2} changes what it writes, so stale caches are rebuilt. */
const BUILDER_VERSION = 1;

/**
 * The folder of the benchmark model for `shape` and `seed` under `cacheDir`, built once: later calls find the
 * stamp file and return at once. Writes to a temporary folder first, so an interrupted build is never reused.
 */
export function ensureBenchModel(cacheDir: string, shape: Gpt2Shape, seed: number, log: (line: string) => void = () => {}): string {
  const name = `gpt2-l${shape.nLayer}-d${shape.nEmbd}-h${shape.nHead}-v${shape.vocabSize}-seed${seed}`;
  const dir = join(cacheDir, name);
  const stamp = JSON.stringify({ builder: BUILDER_VERSION, shape, seed });
  const stampFile = join(dir, "bench-model.json");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return dir;
  log(`building the benchmark model ${name} (once; cached in ${cacheDir})`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [file, content] of Object.entries(buildRandomGpt2(shape, seed))) writeFileSync(join(tmp, file), content);
  writeFileSync(join(tmp, "bench-model.json"), stamp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
