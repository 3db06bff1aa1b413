import * as tf from "@tensorflow/tfjs-core";
import { attributeRaw } from "@inseqjs/core";
import { loadModel } from "inseqjs";
import { stepAbsSums, stepAttributionsOf, stepSums } from "./stepAttributions.js";
import type { StepAttributions } from "./stepAttributions.js";
import { median } from "./median.js";
import { methodOptionsOf } from "./workload.js";
import type { Workload } from "./workload.js";

/** Time spent in one kernel (by name) during a profiled run. */
export interface KernelTime {
  readonly name: string;
  readonly calls: number;
  readonly ms: number;
}

/** What one inseq.js run of a workload measured. */
export interface OursResult {
  readonly backend: string;
  readonly medianS: number;
  readonly timesS: readonly number[];
  /** Median process CPU time (user + system) of the timed runs, seconds. */
  readonly medianCpuS: number;
  readonly cpuTimesS: readonly number[];
  /** Every step's attributions (absent when the workload is compared on per-step sums only). */
  readonly attributions?: StepAttributions;
  /** Σ of each step's attributions. */
  readonly stepSums: readonly number[];
  /** Σ |·| of each step's attributions (the scale the sums are compared at). */
  readonly stepAbsSums: readonly number[];
  /** Wall time of `loadModel` in this fresh process (wasm start-up included), seconds. */
  readonly loadS: number;
  /** Process CPU time of `loadModel`, seconds. */
  readonly loadCpuS: number;
  /** Peak resident set size of the whole process (model included), bytes. */
  readonly peakRssBytes: number;
  /** Resident set size right after loading the model, bytes. */
  readonly loadedRssBytes: number;
  /** `tf.memory().numBytes` after loading the model (the weights), bytes. */
  readonly modelTensorBytes: number;
  /** Size of the wasm heap at the end (it only grows: the high-water mark of tensor memory), bytes; NaN off wasm. */
  readonly wasmHeapBytes: number;
  /** Highest `tf.memory().numBytes` during one profiled attribution, bytes. */
  readonly peakTensorBytes: number;
  /** Tensors left behind by one attribution (should be 0). */
  readonly leakedTensors: number;
  /** Kernel time breakdown of the profiled run, slowest first (registered kernels only, no double counting). */
  readonly kernels: readonly KernelTime[];
}

/** Byte length of the wasm backend's heap, NaN on another backend. */
function wasmHeapSize(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length ?? NaN;
}

/** Options of {@link runOurs}. */
export interface RunOursOptions {
  readonly repeats: number;
  readonly backend?: "wasm" | "cpu";
  /** Extra options passed to `attribute` (e.g. `stepBatchSize`). */
  readonly extraOptions?: Readonly<Record<string, unknown>>;
  /** Also run one profiled attribution for the tensor-memory peak and the kernel breakdown (default true). */
  readonly profile?: boolean;
  /** Untimed runs before the timed ones (default 1). */
  readonly warmup?: number;
  /** Return every step's attributions, not only their sums (default true). */
  readonly keepAttributions?: boolean;
}

/** What loading a model folder with inseq.js in a fresh process measured. */
export interface OursLoadResult {
  readonly backend: string;
  readonly loadS: number;
  readonly loadCpuS: number;
  readonly peakRssBytes: number;
  readonly wasmHeapBytes: number;
  readonly modelTensorBytes: number;
}

/** Times `loadModel` (wasm backend) of `modelDir`; the process should be a fresh one. */
export async function runOursLoad(modelDir: string, backend: "wasm" | "cpu" = "wasm"): Promise<OursLoadResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const inseq = await loadModel(modelDir, "saliency", { backend });
  const c = process.cpuUsage(c0);
  const loadS = (performance.now() - t0) / 1000;
  try {
    return {
      backend: tf.getBackend(),
      loadS,
      loadCpuS: (c.user + c.system) / 1e6,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      wasmHeapBytes: wasmHeapSize(),
      modelTensorBytes: tf.memory().numBytes,
    };
  } finally {
    inseq.dispose();
  }
}

/**
 * Loads the model folder with inseq.js on the wasm backend and times `workload` after one warm-up run: median wall
 * time over `repeats`, the attributions of the last run, peak RSS, and (profiled run) tensor-memory peak and kernels.
 */
export async function runOurs(modelDir: string, workload: Workload, options: RunOursOptions): Promise<OursResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const inseq = await loadModel(modelDir, workload.method, { backend: options.backend ?? "wasm" });
  const cLoad = process.cpuUsage(c0);
  const loadS = (performance.now() - t0) / 1000;
  try {
    const model = inseq.model;
    const loadedRssBytes = process.memoryUsage().rss;
    const modelTensorBytes = tf.memory().numBytes;
    const attribute = () =>
      attributeRaw(model, workload.prompt, { method: workload.method, generatedTexts: workload.generated, ...methodOptionsOf(workload), ...(options.extraOptions ?? {}) });
    for (let i = 0; i < (options.warmup ?? 1); i++) await attribute(); // warm-up: wasm kernels, allocator, JIT
    const beforeTimed = tf.memory().numTensors;
    const timesS: number[] = [];
    const cpuTimesS: number[] = [];
    let last: Awaited<ReturnType<typeof attribute>> | undefined;
    for (let i = 0; i < options.repeats; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      last = await attribute();
      const c = process.cpuUsage(c0);
      timesS.push((performance.now() - t0) / 1000);
      cpuTimesS.push((c.user + c.system) / 1e6);
    }
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const wasmHeapBytes = wasmHeapSize();
    const before = tf.memory().numTensors;
    let peakTensorBytes = NaN;
    let kernels: KernelTime[] = [];
    if (options.profile ?? true) {
      const info = await tf.profile(async () => {
        await attribute();
        return [];
      });
      peakTensorBytes = info.peakBytes;
      const byName = new Map<string, { calls: number; ms: number }>();
      for (const k of info.kernels) {
        if (!tf.getKernel(k.name, tf.getBackend())) continue;
        const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
        e.calls++;
        e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
        byName.set(k.name, e);
      }
      kernels = [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
    }
    // without the profiled run, the tensors the timed runs left behind (the first run may keep caches when warmup is 0)
    const leakedTensors = tf.memory().numTensors - (options.profile ?? true ? before : beforeTimed);
    const seq = last!.sequences[0];
    const target = last!.results[0].target;
    if (!target) throw new Error("runOurs: the attribution returned no target attributions.");
    const attributions = stepAttributionsOf(target.data, target.shape, seq.attrPosStart);
    return {
      backend: tf.getBackend(),
      medianS: median(timesS),
      timesS,
      medianCpuS: median(cpuTimesS),
      cpuTimesS,
      attributions: options.keepAttributions === false ? undefined : attributions,
      stepSums: stepSums(attributions),
      stepAbsSums: stepAbsSums(attributions),
      loadS,
      loadCpuS: (cLoad.user + cLoad.system) / 1e6,
      peakRssBytes,
      loadedRssBytes,
      wasmHeapBytes,
      modelTensorBytes,
      peakTensorBytes,
      leakedTensors,
      kernels,
    };
  } finally {
    inseq.dispose();
  }
}
