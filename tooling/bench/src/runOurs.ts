import * as tf from "@tensorflow/tfjs-core";
import { attributeRaw } from "@inseqjs/core";
import { loadModel } from "inseqjs";
import { stepAttributionsOf } from "./stepAttributions.js";
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
  readonly attributions: StepAttributions;
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
}

/**
 * Loads the model folder with inseq.js on the wasm backend and times `workload` after one warm-up run: median wall
 * time over `repeats`, the attributions of the last run, peak RSS, and (profiled run) tensor-memory peak and kernels.
 */
export async function runOurs(modelDir: string, workload: Workload, options: RunOursOptions): Promise<OursResult> {
  const inseq = await loadModel(modelDir, workload.method, { backend: options.backend ?? "wasm" });
  try {
    const model = inseq.model;
    const loadedRssBytes = process.memoryUsage().rss;
    const modelTensorBytes = tf.memory().numBytes;
    const attribute = () =>
      attributeRaw(model, workload.prompt, { method: workload.method, generatedTexts: workload.generated, ...methodOptionsOf(workload), ...(options.extraOptions ?? {}) });
    await attribute(); // warm-up: wasm kernels, allocator, JIT
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
    } else {
      await attribute();
    }
    const leakedTensors = tf.memory().numTensors - before;
    const seq = last!.sequences[0];
    const target = last!.results[0].target;
    if (!target) throw new Error("runOurs: the attribution returned no target attributions.");
    return {
      backend: tf.getBackend(),
      medianS: median(timesS),
      timesS,
      medianCpuS: median(cpuTimesS),
      cpuTimesS,
      attributions: stepAttributionsOf(target.data, target.shape, seq.attrPosStart),
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
