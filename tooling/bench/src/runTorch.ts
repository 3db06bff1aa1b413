import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StepAttributions } from "./stepAttributions.js";
import type { Workload } from "./workload.js";

/** What the PyTorch reference measured for one workload. */
export interface TorchResult {
  readonly torchVersion: string;
  /** `all`: Hugging Face's forward, logits at every position (what inseq runs); `last`: LM head at the last position. */
  readonly lmHead: TorchLmHead;
  readonly threads: number;
  /** BLAS libraries mapped into the Python process (Debian's reference `libblas.so.3` alone is ~10× slower than OpenBLAS). */
  readonly blas: string;
  readonly medianS: number;
  readonly timesS: readonly number[];
  readonly medianCpuS: number;
  readonly cpuTimesS: readonly number[];
  readonly peakRssBytes: number;
  readonly loadedRssBytes: number;
  readonly stepSums: readonly number[];
  readonly attributions: StepAttributions;
}

/** Where the PyTorch side applies the LM head (see {@link TorchResult.lmHead}). */
export type TorchLmHead = "all" | "last";

/** `tooling/bench/python/torch_reference.py` (next to `src/` and `dist/`). */
export function torchReferenceScript(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "python", "torch_reference.py");
}

/** Splits the reference's `--dump` file into per-step `(prefixLen, hidden)` blocks. */
function readDump(path: string, promptLength: number, nSteps: number, hidden: number): StepAttributions {
  const bytes = readFileSync(path);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const steps: Float32Array[] = [];
  let at = 0;
  for (let k = 0; k < nSteps; k++) {
    const n = (promptLength + k) * hidden;
    steps.push(all.slice(at, at + n));
    at += n;
  }
  if (at !== all.length) throw new Error(`runTorch: the reference wrote ${all.length} values, expected ${at}.`);
  return { hidden, steps };
}

/**
 * Runs the PyTorch reference on `workload` (one thread: `torch.set_num_threads(1)` plus `OMP_NUM_THREADS=1`,
 * `OPENBLAS_NUM_THREADS=1`), one warm-up then `repeats` timed runs, and reads back its attributions. `lmHead` picks
 * Hugging Face's all-position forward (the reference) or the tuned last-position head.
 */
export async function runTorch(python: string, modelDir: string, workload: Workload, repeats: number, hidden: number, lmHead: TorchLmHead = "all"): Promise<TorchResult> {
  const tmp = mkdtempSync(join(tmpdir(), "inseqjs-bench-"));
  const dump = join(tmp, "attributions.f32");
  const args = [
    torchReferenceScript(), "--model", modelDir, "--input", workload.prompt, "--generated", workload.generated,
    "--method", workload.method, "--n-steps", String(workload.nSteps ?? 1), "--internal-batch-size", String(workload.internalBatchSize ?? 1),
    "--repeats", String(repeats), "--dump", dump, "--lm-head", lmHead,
  ];
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(python, args, { env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`PyTorch reference failed (exit ${code}):\n${stderr}`))));
    });
    const line = out.trim().split("\n").pop()!;
    const r = JSON.parse(line) as Record<string, unknown>;
    const sums = r.step_attribution_sums as number[];
    const promptLength = workload.prompt.split(/\s+/).length;
    return {
      torchVersion: String(r.torch),
      lmHead,
      threads: Number(r.threads),
      blas: String(r.blas ?? "unknown"),
      medianS: Number(r.median_s),
      timesS: r.times_s as number[],
      medianCpuS: Number(r.median_cpu_s),
      cpuTimesS: r.cpu_times_s as number[],
      peakRssBytes: Number(r.peak_rss_bytes),
      loadedRssBytes: Number(r.loaded_rss_bytes),
      stepSums: sums,
      attributions: readDump(dump, promptLength, sums.length, hidden),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
