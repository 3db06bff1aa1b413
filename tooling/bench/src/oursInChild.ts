import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchFailure, failureOf } from "./failure.js";
import type { FailureInfo } from "./failure.js";
import { spawnCollect } from "./spawnCollect.js";
import { stepAbsSums, stepSums } from "./stepAttributions.js";
import type { OursLoadResult, OursResult, RunOursOptions } from "./runOurs.js";
import type { Workload } from "./workload.js";

/** What a worker process is asked to run: one attribution workload, or (`load`) `loadModel` alone. */
export interface WorkerJob {
  readonly modelDir: string;
  readonly workload: Workload;
  readonly options: RunOursOptions;
  /** Where the worker writes its {@link OursResult} (or {@link OursLoadResult}, or `{ error }`) as JSON. */
  readonly resultPath: string;
  /** `load`: time `loadModel` only (snapshots made before this field ignore it and run the workload). */
  readonly kind?: "attribute" | "load";
}

/** `OursResult` with the attributions as plain arrays (JSON). */
type SerializedResult = Omit<OursResult, "attributions"> & { attributions?: { hidden: number; steps: number[][] } };

/** Serialises a result for the parent process. */
export function serializeResult(r: OursResult | OursLoadResult): string {
  if (!("attributions" in r) || !r.attributions) return JSON.stringify(r);
  const out: SerializedResult = { ...r, attributions: { hidden: r.attributions.hidden, steps: r.attributions.steps.map((s) => Array.from(s)) } };
  return JSON.stringify(out);
}

/** Serialises a worker's failure for the parent process. */
export function serializeFailure(e: unknown): string {
  return JSON.stringify({ error: failureOf(e) });
}

/** Options of {@link runOursInChild} beyond the worker's own. */
export interface ChildOptions {
  /** Worker entry (a snapshot's `bin.js`); the live build's when undefined. */
  readonly worker?: string;
  /** Kill the process after this many seconds. */
  readonly timeoutS?: number;
}

/**
 * The first line of a dead worker's stderr that says what went wrong (a `RuntimeError: Aborted()`, an InseqError
 * code, `memory access out of bounds`...), else its last non-empty line.
 */
export function failureLineOf(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error|abort|out of bounds|out of memory|heap|killed/i.test(l) && !/^at /.test(l)) ?? lines.at(-1) ?? "";
}

async function runChild(modelDir: string, workload: Workload, options: RunOursOptions, kind: "attribute" | "load", child: ChildOptions): Promise<unknown> {
  const tmp = mkdtempSync(join(tmpdir(), "inseqjs-bench-"));
  const job: WorkerJob = { modelDir, workload, options, resultPath: join(tmp, "result.json"), kind };
  const jobPath = join(tmp, "job.json");
  writeFileSync(jobPath, JSON.stringify(job));
  try {
    const bin = child.worker ?? fileURLToPath(new URL("./bin.js", import.meta.url));
    const exit = await spawnCollect(process.execPath, [bin, "--worker", jobPath], { timeoutS: child.timeoutS });
    const wallS = exit.wallS;
    const parsed = existsSync(job.resultPath) ? (JSON.parse(readFileSync(job.resultPath, "utf8")) as { error?: FailureInfo }) : undefined;
    if (parsed?.error) throw new BenchFailure({ ...parsed.error, afterS: wallS });
    if (exit.timedOut) throw new BenchFailure({ code: "TIMEOUT", message: `killed after ${child.timeoutS} s (--timeout)`, afterS: wallS });
    if (exit.code !== 0 || !parsed) {
      const how = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`;
      throw new BenchFailure({ code: exit.signal ?? `EXIT_${exit.code}`, message: `inseq.js worker died (${how}): ${failureLineOf(exit.stderr)}`, afterS: wallS });
    }
    return parsed;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Runs one workload of inseq.js in a fresh Node process (`bin.js --worker`, or the `worker` entry of a snapshot), so
 * that its peak RSS and wasm heap belong to that workload alone. A failure of the workload (a thrown error, the wasm
 * module aborting, the process dying or timing out) rejects with a {@link BenchFailure}.
 */
export async function runOursInChild(modelDir: string, workload: Workload, options: RunOursOptions, child: ChildOptions | string = {}): Promise<OursResult> {
  const c = typeof child === "string" ? { worker: child } : child;
  const r = (await runChild(modelDir, workload, options, "attribute", c)) as Partial<SerializedResult> & Omit<SerializedResult, "stepSums" | "stepAbsSums" | "loadS" | "loadCpuS">;
  const attributions = r.attributions ? { hidden: r.attributions.hidden, steps: r.attributions.steps.map((s) => Float32Array.from(s)) } : undefined;
  // snapshots built before per-step sums and load times were measured send neither
  return {
    ...r,
    attributions,
    stepSums: r.stepSums ?? (attributions ? stepSums(attributions) : []),
    stepAbsSums: r.stepAbsSums ?? (attributions ? stepAbsSums(attributions) : []),
    loadS: r.loadS ?? NaN,
    loadCpuS: r.loadCpuS ?? NaN,
  };
}

/** Times `loadModel` of `modelDir` in a fresh Node process. */
export async function runOursLoadInChild(modelDir: string, child: ChildOptions = {}): Promise<OursLoadResult> {
  const dummy: Workload = { method: "saliency", prompt: "", generated: "" };
  return (await runChild(modelDir, dummy, { repeats: 0 }, "load", child)) as OursLoadResult;
}
