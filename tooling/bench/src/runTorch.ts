import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchFailure, firstLine } from "./failure.js";
import { spawnCollect } from "./spawnCollect.js";
import type { ChildExit } from "./spawnCollect.js";
import type { StepAttributions } from "./stepAttributions.js";
import { stepAbsSums } from "./stepAttributions.js";
import type { TorchPeer } from "./torchPeer.js";
import { median } from "./median.js";
import { promptTokens } from "./workload.js";
import type { Workload } from "./workload.js";

/** Which PyTorch ran: versions and threads, as the script printed them. */
export interface TorchSetup {
  /** `hf`: `hf_reference.py` (Hugging Face model, default threads); `reference`: `torch_reference.py` (Debian fallback, 1 thread). */
  readonly impl: "hf" | "reference";
  readonly torchVersion: string;
  readonly transformersVersion?: string;
  readonly threads: number;
  /** `--torch-threads N` asked for `torch.set_num_threads(N)` (undefined: torch's default threads). */
  readonly threadsSet?: number;
  readonly interopThreads?: number;
  /** BLAS: MKL's line of `parallel_info()` (hf), or the BLAS libraries mapped into the process (reference). */
  readonly blas: string;
  /** `torch.__config__.parallel_info()`, non-empty lines (hf). */
  readonly parallelInfo?: readonly string[];
  readonly attnImplementation?: string;
}

/** What the PyTorch side measured for one workload. */
export interface TorchResult extends TorchSetup {
  /** `all`: Hugging Face's forward, logits at every position (what inseq runs); `last`: LM head at the last position. */
  readonly lmHead: TorchLmHead;
  readonly medianS: number;
  readonly timesS: readonly number[];
  readonly medianCpuS: number;
  readonly cpuTimesS: readonly number[];
  readonly peakRssBytes: number;
  readonly loadedRssBytes: number;
  /** `from_pretrained` wall / CPU seconds in that process (NaN for the reference). */
  readonly loadS: number;
  readonly loadCpuS: number;
  readonly stepSums: readonly number[];
  readonly stepAbsSums?: readonly number[];
  /** GFLOP/s of a [256×576]·[576×1536] product before / after the timed runs (hf): low = torch was starved of CPU. */
  readonly matmulGflopsBefore?: number;
  readonly matmulGflopsAfter?: number;
  /** Every step's attributions (small workloads only). */
  readonly attributions?: StepAttributions;
}

/** What timing `from_pretrained` alone in a fresh Python process measured. */
export interface TorchLoadResult extends TorchSetup {
  readonly loadS: number;
  readonly loadCpuS: number;
  /** `import torch, transformers` before the load. */
  readonly importS: number;
  readonly peakRssBytes: number;
}

/** Where the PyTorch side applies the LM head (see {@link TorchResult.lmHead}). */
export type TorchLmHead = "all" | "last";

const pythonDir = () => join(dirname(fileURLToPath(import.meta.url)), "..", "python");

/** `tooling/bench/python/torch_reference.py` (next to `src/` and `dist/`): the Debian fallback. */
export function torchReferenceScript(): string {
  return join(pythonDir(), "torch_reference.py");
}

/** `tooling/bench/python/hf_reference.py`: the Hugging Face peer. */
export function hfReferenceScript(): string {
  return join(pythonDir(), "hf_reference.py");
}

/** Options of {@link runTorch}. */
export interface TorchRunOptions {
  readonly repeats: number;
  /** Untimed runs first (default 1; the reference always does one). */
  readonly warmup?: number;
  readonly lmHead?: TorchLmHead;
  /** Read back every step's attributions (else per-step sums only). */
  readonly full: boolean;
  /** Hidden size of the model (to split the attributions into steps). */
  readonly hidden: number;
  readonly timeoutS?: number;
  /** `torch.set_num_threads(N)` (hf peer; default: not called). */
  readonly threads?: number;
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
 * The environment of the PyTorch child: the hf peer runs at torch's default threads (no OMP/MKL/OpenBLAS thread
 * variables, even inherited ones) with `HF_HUB_OFFLINE=1`; the reference fallback keeps its one thread.
 */
export function torchEnv(impl: TorchPeer["impl"], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]) delete out[k];
  if (impl === "reference") Object.assign(out, { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" });
  // the model folders are local: never reach for the Hub
  else out.HF_HUB_OFFLINE = "1";
  return out;
}

/** The JSON line a script printed, or a {@link BenchFailure} saying why there is none. */
function jsonOf(exit: ChildExit, what: string, timeoutS?: number): Record<string, unknown> {
  if (exit.timedOut) throw new BenchFailure({ code: "TIMEOUT", message: `${what} killed after ${timeoutS} s (--timeout)`, afterS: exit.wallS });
  if (exit.code !== 0) {
    const lines = exit.stderr.split("\n").map((l) => l.trim()).filter(Boolean);
    const line = [...lines].reverse().find((l) => /error|exception|killed|memory/i.test(l)) ?? lines.at(-1) ?? "";
    throw new BenchFailure({ code: exit.signal ?? `EXIT_${exit.code}`, message: `${what} failed: ${firstLine(line)}`, afterS: exit.wallS });
  }
  const line = exit.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new BenchFailure({ code: "BAD_OUTPUT", message: `${what} printed no JSON line: ${firstLine(line)}`, afterS: exit.wallS });
  }
}

function setupOf(r: Record<string, unknown>, impl: TorchPeer["impl"]): TorchSetup {
  return {
    impl,
    torchVersion: String(r.torch),
    transformersVersion: r.transformers === undefined ? undefined : String(r.transformers),
    threads: Number(r.threads),
    threadsSet: typeof r.threads_set === "number" ? r.threads_set : undefined,
    interopThreads: r.interop_threads === undefined ? undefined : Number(r.interop_threads),
    blas: String(r.blas ?? "unknown"),
    parallelInfo: r.parallel_info as string[] | undefined,
    attnImplementation: r.attn_implementation === undefined || r.attn_implementation === null ? undefined : String(r.attn_implementation),
  };
}

/** Model type of a model folder's `config.json`. */
function modelTypeOf(modelDir: string): string {
  return String((JSON.parse(readFileSync(join(modelDir, "config.json"), "utf8")) as { model_type?: unknown }).model_type);
}

/** The timing and memory fields both reference scripts print. */
function timingsOf(r: Record<string, unknown>) {
  return {
    medianS: Number(r.median_s),
    timesS: r.times_s as number[],
    medianCpuS: Number(r.median_cpu_s),
    cpuTimesS: r.cpu_times_s as number[],
    peakRssBytes: Number(r.peak_rss_bytes),
    loadedRssBytes: Number(r.loaded_rss_bytes),
  };
}

/**
 * Runs `workload` on the PyTorch side: `hf_reference.py` (the Hugging Face model, default threads) or, as the
 * fallback, `torch_reference.py` (the bench's own GPT-2, one thread); warm-up(s), then `repeats` timed runs, and
 * the attributions read back (full or per-step sums). A failure rejects with a {@link BenchFailure}.
 */
export async function runTorch(peer: TorchPeer, modelDir: string, workload: Workload, o: TorchRunOptions): Promise<TorchResult> {
  const lmHead = o.lmHead ?? "all";
  const common = ["--model", modelDir, "--input", workload.prompt, "--generated", workload.generated, "--method", workload.method,
    "--n-steps", String(workload.nSteps ?? 1), "--internal-batch-size", String(workload.internalBatchSize ?? 1), "--repeats", String(o.repeats), "--lm-head", lmHead];
  const promptLength = promptTokens(workload);
  if (peer.impl === "hf") {
    const args = [hfReferenceScript(), ...common, "--warmup", String(o.warmup ?? 1), "--attributions", o.full ? "full" : "sums", ...(o.threads ? ["--threads", String(o.threads)] : [])];
    const r = jsonOf(await spawnCollect(peer.python, args, { env: torchEnv("hf"), timeoutS: o.timeoutS }), "PyTorch (hf_reference.py)", o.timeoutS);
    const steps = r.steps as number[][] | undefined;
    return {
      ...setupOf(r, "hf"),
      lmHead,
      ...timingsOf(r),
      loadS: Number(r.load_s),
      loadCpuS: Number(r.load_cpu_s),
      stepSums: r.step_attribution_sums as number[],
      stepAbsSums: r.step_attribution_abs_sums as number[],
      matmulGflopsBefore: r.matmul_gflops_before === undefined ? undefined : Number(r.matmul_gflops_before),
      matmulGflopsAfter: r.matmul_gflops_after === undefined ? undefined : Number(r.matmul_gflops_after),
      attributions: steps ? { hidden: o.hidden, steps: steps.map((s) => Float32Array.from(s)) } : undefined,
    };
  }
  const type = modelTypeOf(modelDir);
  if (type !== "gpt2") throw new BenchFailure({ code: "NO_PEER", message: `the Debian fallback (torch_reference.py, torch without transformers) implements GPT-2 only, not model_type "${type}"; the Hugging Face peer (python/hf_reference.py, the bench's venv) runs it` });
  const tmp = mkdtempSync(join(tmpdir(), "inseqjs-bench-"));
  const dump = join(tmp, "attributions.f32");
  try {
    const args = [torchReferenceScript(), ...common, ...(o.full ? ["--dump", dump] : [])];
    const r = jsonOf(await spawnCollect(peer.python, args, { env: torchEnv("reference"), timeoutS: o.timeoutS }), "PyTorch (torch_reference.py)", o.timeoutS);
    const sums = r.step_attribution_sums as number[];
    const attributions = o.full && existsSync(dump) ? readDump(dump, promptLength, sums.length, o.hidden) : undefined;
    return {
      ...setupOf(r, "reference"),
      lmHead,
      ...timingsOf(r),
      loadS: NaN,
      loadCpuS: NaN,
      stepSums: sums,
      stepAbsSums: attributions ? stepAbsSums(attributions) : undefined,
      attributions,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Times `from_pretrained` of `modelDir` in a fresh Python process (hf peer only). */
export async function runTorchLoad(peer: TorchPeer, modelDir: string, timeoutS?: number): Promise<TorchLoadResult> {
  if (peer.impl !== "hf") throw new BenchFailure({ code: "NO_PEER", message: "load time needs the Hugging Face peer (the venv); the Debian fallback has no from_pretrained" });
  const r = jsonOf(await spawnCollect(peer.python, [hfReferenceScript(), "--model", modelDir, "--load-only"], { env: torchEnv("hf"), timeoutS }), "PyTorch load (hf_reference.py)", timeoutS);
  return { ...setupOf(r, "hf"), loadS: Number(r.load_s), loadCpuS: Number(r.load_cpu_s), importS: Number(r.import_s), peakRssBytes: Number(r.peak_rss_bytes) };
}

/** Median of load results (seconds), for several fresh processes. */
export function medianLoad(rs: readonly { loadS: number }[]): number {
  return median(rs.map((r) => r.loadS));
}
