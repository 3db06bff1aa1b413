import { median } from "./median.js";
import type { OursResult } from "./runOurs.js";
import type { TorchResult } from "./runTorch.js";

/** One inseq.js result from several rounds: all timed runs pooled (medians over them), memory peaks maxed. */
export function mergeOurs(rounds: readonly OursResult[]): OursResult {
  const timesS = rounds.flatMap((r) => r.timesS);
  const cpuTimesS = rounds.flatMap((r) => r.cpuTimesS);
  // NaN (JSON null) where a round did not measure it: no profiled run, no wasm heap off wasm
  const max = (f: (r: OursResult) => number) => {
    const vs = rounds.map(f).filter((v) => typeof v === "number" && Number.isFinite(v));
    return vs.length ? Math.max(...vs) : NaN;
  };
  return {
    ...rounds[rounds.length - 1],
    kernels: rounds[0].kernels,
    timesS,
    cpuTimesS,
    medianS: median(timesS),
    medianCpuS: median(cpuTimesS),
    loadS: median(rounds.map((r) => r.loadS)),
    loadCpuS: median(rounds.map((r) => r.loadCpuS)),
    peakRssBytes: max((r) => r.peakRssBytes),
    loadedRssBytes: max((r) => r.loadedRssBytes),
    wasmHeapBytes: max((r) => r.wasmHeapBytes),
    peakTensorBytes: max((r) => r.peakTensorBytes),
    leakedTensors: max((r) => r.leakedTensors),
  };
}

/** One PyTorch result from several rounds (same pooling as {@link mergeOurs}). */
export function mergeTorch(rounds: readonly TorchResult[]): TorchResult {
  const timesS = rounds.flatMap((r) => r.timesS);
  const cpuTimesS = rounds.flatMap((r) => r.cpuTimesS);
  return {
    ...rounds[rounds.length - 1],
    timesS,
    cpuTimesS,
    medianS: median(timesS),
    medianCpuS: median(cpuTimesS),
    loadS: median(rounds.map((r) => r.loadS)),
    loadCpuS: median(rounds.map((r) => r.loadCpuS)),
    peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes)),
    loadedRssBytes: Math.max(...rounds.map((r) => r.loadedRssBytes)),
  };
}
