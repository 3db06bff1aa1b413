import type { AttributionAgreement } from "./compareAttributions.js";
import { formatFailure } from "./failure.js";
import type { FailureInfo } from "./failure.js";
import { median } from "./median.js";
import type { OursLoadResult, OursResult } from "./runOurs.js";
import type { TorchLoadResult, TorchResult, TorchSetup } from "./runTorch.js";
import type { TorchPeer } from "./torchPeer.js";
import { attributedSteps, promptTokens } from "./workload.js";
import type { LoadWorkload, Workload } from "./workload.js";

/** One attribution workload's measurements: inseq.js in one variant, and PyTorch; a side that failed says why. */
export interface WorkloadReport {
  readonly workload: Workload;
  /** Code version and options of the inseq.js side (`live` = the current build). */
  readonly variant: string;
  readonly ours?: OursResult;
  readonly oursFailure?: FailureInfo;
  /** PyTorch with Hugging Face's forward (logits at every position): the reference. */
  readonly torch?: TorchResult;
  readonly torchFailure?: FailureInfo;
  readonly agreement?: AttributionAgreement;
  /** PyTorch with the LM head at the last position only (`--torch-last-head`). */
  readonly torchLastHead?: TorchResult;
  readonly torchLastHeadFailure?: FailureInfo;
  readonly agreementLastHead?: AttributionAgreement;
}

/** Load time of one model on both sides, each load in a fresh process. */
export interface LoadReport {
  readonly load: LoadWorkload;
  readonly variant: string;
  readonly ours: readonly OursLoadResult[];
  readonly oursFailure?: FailureInfo;
  readonly torch: readonly TorchLoadResult[];
  readonly torchFailure?: FailureInfo;
}

/** Any row group of the report. */
export type Report = WorkloadReport | LoadReport;

export function isLoadReport(r: Report): r is LoadReport {
  return (r as LoadReport).load !== undefined;
}

const mib = (b: number | undefined) => (b !== undefined && Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(0)} MiB` : "–");
const sec = (s: number | undefined) => (s !== undefined && Number.isFinite(s) ? s.toFixed(2) : "–");
const runs = (ts: readonly number[]) => ts.map((t) => t.toFixed(1)).join(" / ");
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "–");

/** Label of a workload, e.g. `smollm2 · saliency, 512+5 tokens` or `distilgpt2 · integrated_gradients (nSteps 20, ibs 20), 12+6 tokens`. */
export function workloadLabel(w: Workload): string {
  const method = w.method === "integrated_gradients" ? `integrated_gradients (nSteps ${w.nSteps}, ibs ${w.internalBatchSize})` : w.method;
  return `${w.shape ?? "distilgpt2"} · ${method}, ${promptTokens(w)}+${attributedSteps(w)} tokens`;
}

const oursLabel = (r: Report) => `inseq.js ${r.variant === "live" ? "" : `[${r.variant}] `}(${(isLoadReport(r) ? r.ours[0]?.backend : r.ours?.backend) ?? "wasm"})`;

/** Agreement lines, printed before any timing. */
export function formatAgreement(reports: readonly Report[]): string[] {
  const line = (r: WorkloadReport, a: AttributionAgreement, against: string) =>
    a.sumsOnly
      ? `${workloadLabel(r.workload)}, ${oursLabel(r)} vs ${against}: per-step sums only (long prompt), max |Σ ours − Σ torch| / Σ|torch| ${a.maxSumRelativeDifference.toExponential(2)} (tolerance ${a.tolerance.toExponential(0)}) — ${a.ok ? "agree" : "DISAGREE"}`
      : `${workloadLabel(r.workload)}, ${oursLabel(r)} vs ${against}: max relative difference ${a.maxRelativeDifference.toExponential(2)} (tolerance ${a.tolerance.toExponential(0)}), per-step sums ${a.maxSumRelativeDifference.toExponential(2)} — ${a.ok ? "agree" : "DISAGREE"}`;
  return reports.flatMap((r) =>
    isLoadReport(r) ? [] : [...(r.agreement ? [line(r, r.agreement, "PyTorch")] : []), ...(r.agreementLastHead ? [line(r, r.agreementLastHead, "PyTorch (last-position head)")] : [])],
  );
}

const threadsOf = (t: TorchSetup) => `${t.threads} thread${t.threads === 1 ? "" : "s"}`;
const probe = (t: TorchResult) => (t.matmulGflopsBefore !== undefined ? `, matmul probe ${t.matmulGflopsBefore.toFixed(0)}→${(t.matmulGflopsAfter ?? NaN).toFixed(0)} GFLOP/s` : "");
const torchLabel = (t: TorchResult) => `PyTorch ${t.torchVersion}${t.impl === "hf" ? " (HF)" : " (bench GPT-2)"}${t.lmHead === "last" ? ", LM head at the last position" : ""}, ${threadsOf(t)}${probe(t)}`;

/** One line saying which PyTorch ran (version, threads, BLAS, attention, where it came from). */
export function formatTorchSetup(peer: TorchPeer | undefined, setup: TorchSetup | undefined): string {
  if (!peer) return "PyTorch: none (timing inseq.js alone).";
  if (!setup) return `PyTorch: ${peer.python} (${peer.source}), no run succeeded.`;
  if (setup.impl === "hf") {
    const omp = setup.parallelInfo?.find((l) => l.startsWith("OpenMP")) ?? "";
    return `PyTorch peer: torch ${setup.torchVersion}, transformers ${setup.transformersVersion}, Hugging Face model (python/hf_reference.py, float32, attention ${setup.attnImplementation ?? "?"}), ${setup.threadsSet ? `torch.set_num_threads(${setup.threadsSet}) (--torch-threads)` : "default threads"}: torch.get_num_threads() = ${setup.threads}, interop ${setup.interopThreads ?? "?"}${omp ? `, ${omp}` : ""}, ${setup.blas} — ${peer.source}`;
  }
  return `PyTorch fallback: torch ${setup.torchVersion} (python/torch_reference.py: the bench's own GPT-2, torch.set_num_threads(1)), BLAS ${setup.blas} — ${peer.source}`;
}

const failedRow = (label: string, side: string, f: FailureInfo) => `| ${label} | ${side} | FAILED — ${formatFailure(f).replace(/\|/g, "\\|")} | | | | | | |`;

/** The markdown results table (inseq.js rows, one per variant, then PyTorch's), then the ratios ours/PyTorch. */
export function formatTable(reports: readonly Report[]): string[] {
  const lines = [
    "| workload | side | load s | median wall s (runs) | median CPU s | tokens/s (wall) | peak RSS | wasm heap | tf.memory() peak |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const lastOf = (r: Report) => reports.filter((x) => (isLoadReport(x) ? x.load : x.workload) === (isLoadReport(r) ? r.load : r.workload)).at(-1) === r;
  for (const r of reports) {
    if (isLoadReport(r)) {
      const label = `${r.load.shape} · load`;
      if (r.oursFailure) lines.push(failedRow(label, oursLabel(r), r.oursFailure));
      else if (r.ours.length) {
        const o = r.ours;
        lines.push(`| ${label} | ${oursLabel(r)} (loadModel, fresh process) | ${sec(median(o.map((x) => x.loadS)))} (${runs(o.map((x) => x.loadS))}) | – | ${sec(median(o.map((x) => x.loadCpuS)))} | – | ${mib(Math.max(...o.map((x) => x.peakRssBytes)))} | ${mib(Math.max(...o.map((x) => x.wasmHeapBytes)))} | weights ${mib(o[0].modelTensorBytes)} |`);
      }
      if (lastOf(r)) {
        if (r.torchFailure) lines.push(failedRow(label, "PyTorch", r.torchFailure));
        else if (r.torch.length) {
          const t = r.torch;
          lines.push(`| ${label} | PyTorch ${t[0].torchVersion} (from_pretrained, fresh process; import ${sec(median(t.map((x) => x.importS)))} s more) | ${sec(median(t.map((x) => x.loadS)))} (${runs(t.map((x) => x.loadS))}) | – | ${sec(median(t.map((x) => x.loadCpuS)))} | – | ${mib(Math.max(...t.map((x) => x.peakRssBytes)))} | – | – |`);
        }
      }
      continue;
    }
    const label = workloadLabel(r.workload);
    const tokens = attributedSteps(r.workload);
    if (r.oursFailure) lines.push(failedRow(label, oursLabel(r), r.oursFailure));
    else if (r.ours) {
      const o = r.ours;
      lines.push(`| ${label} | ${oursLabel(r)} | ${sec(o.loadS)} | ${sec(o.medianS)} (${runs(o.timesS)}) | ${sec(o.medianCpuS)} | ${(tokens / o.medianS).toFixed(2)} | ${mib(o.peakRssBytes)} | ${mib(o.wasmHeapBytes)} | ${mib(o.peakTensorBytes)} |`);
    }
    if (lastOf(r)) {
      for (const [t, f, what] of [[r.torch, r.torchFailure, "PyTorch"], [r.torchLastHead, r.torchLastHeadFailure, "PyTorch, LM head at the last position"]] as const) {
        if (f) lines.push(failedRow(label, what, f));
        else if (t) lines.push(`| ${label} | ${torchLabel(t)} | ${sec(t.loadS)} | ${sec(t.medianS)} (${runs(t.timesS)}) | ${sec(t.medianCpuS)} | ${(tokens / t.medianS).toFixed(2)} | ${mib(t.peakRssBytes)} | – | – |`);
      }
    }
  }
  const withTorch = reports.filter((r) => (isLoadReport(r) ? r.ours.length && r.torch.length : r.ours && r.torch));
  if (withTorch.length) {
    const tuned = withTorch.some((r) => !isLoadReport(r) && r.torchLastHead);
    lines.push(
      "",
      `| workload | inseq.js | ours/PyTorch wall | ours/PyTorch CPU | ours/PyTorch peak RSS | ours/PyTorch load |${tuned ? " ours/PyTorch (last-position head) wall | … CPU |" : ""}`,
      `|---|---|---|---|---|---|${tuned ? "---|---|" : ""}`,
    );
    for (const r of withTorch) {
      if (isLoadReport(r)) {
        const o = median(r.ours.map((x) => x.loadS));
        const t = median(r.torch.map((x) => x.loadS));
        const oc = median(r.ours.map((x) => x.loadCpuS));
        const tc = median(r.torch.map((x) => x.loadCpuS));
        lines.push(`| ${r.load.shape} · load | ${oursLabel(r)} | ${ratio(o, t)} | ${ratio(oc, tc)} | ${ratio(Math.max(...r.ours.map((x) => x.peakRssBytes)), Math.max(...r.torch.map((x) => x.peakRssBytes)))} | ${ratio(o, t)} |${tuned ? " – | – |" : ""}`);
        continue;
      }
      const o = r.ours!;
      const t = r.torch!;
      const extra = r.torchLastHead ? ` ${ratio(o.medianS, r.torchLastHead.medianS)} | ${ratio(o.medianCpuS, r.torchLastHead.medianCpuS)} |` : tuned ? " – | – |" : "";
      lines.push(`| ${workloadLabel(r.workload)} | ${oursLabel(r)} | ${ratio(o.medianS, t.medianS)} | ${ratio(o.medianCpuS, t.medianCpuS)} | ${ratio(o.peakRssBytes, t.peakRssBytes)} | ${ratio(o.loadS, t.loadS)} |${extra}`);
    }
  }
  return lines;
}

/** Kernel-time breakdown of a profiled run (top `n`). */
export function formatKernels(r: WorkloadReport, n = 12): string[] {
  if (!r.ours || !r.ours.kernels.length) return [];
  const total = r.ours.kernels.reduce((a, k) => a + k.ms, 0);
  return [
    `kernels of ${workloadLabel(r.workload)}, ${oursLabel(r)} (one profiled run, ${(total / 1000).toFixed(2)} s in kernels):`,
    ...r.ours.kernels.slice(0, n).map((k) => `  ${k.name.padEnd(16)} ${String(k.calls).padStart(6)} calls ${(k.ms / 1000).toFixed(2).padStart(7)} s ${((100 * k.ms) / total).toFixed(1).padStart(5)} %`),
  ];
}
