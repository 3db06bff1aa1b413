import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OursResult, RunOursOptions } from "./runOurs.js";
import type { Workload } from "./workload.js";

/** What a worker process is asked to run. */
export interface WorkerJob {
  readonly modelDir: string;
  readonly workload: Workload;
  readonly options: RunOursOptions;
  /** Where the worker writes its {@link OursResult} as JSON. */
  readonly resultPath: string;
}

/** `OursResult` with the attributions as plain arrays (JSON). */
type SerializedResult = Omit<OursResult, "attributions"> & { attributions: { hidden: number; steps: number[][] } };

/** Serialises a result for the parent process. */
export function serializeResult(r: OursResult): string {
  const out: SerializedResult = { ...r, attributions: { hidden: r.attributions.hidden, steps: r.attributions.steps.map((s) => Array.from(s)) } };
  return JSON.stringify(out);
}

/**
 * Runs one workload of inseq.js in a fresh Node process (`bin.js --worker`, or the `worker` entry of a snapshot), so
 * that its peak RSS and wasm heap belong to that workload alone.
 */
export async function runOursInChild(modelDir: string, workload: Workload, options: RunOursOptions, worker?: string): Promise<OursResult> {
  const tmp = mkdtempSync(join(tmpdir(), "inseqjs-bench-"));
  const job: WorkerJob = { modelDir, workload, options, resultPath: join(tmp, "result.json") };
  const jobPath = join(tmp, "job.json");
  writeFileSync(jobPath, JSON.stringify(job));
  try {
    const bin = worker ?? fileURLToPath(new URL("./bin.js", import.meta.url));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, "--worker", jobPath], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`inseq.js worker failed (exit ${code}):\n${stderr}`))));
    });
    const r = JSON.parse(readFileSync(job.resultPath, "utf8")) as SerializedResult;
    return { ...r, attributions: { hidden: r.attributions.hidden, steps: r.attributions.steps.map((s) => Float32Array.from(s)) } };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
