import type { AttributionAgreement } from "./compareAttributions.js";
import type { OursResult } from "./runOurs.js";
import type { TorchResult } from "./runTorch.js";
import { attributedSteps } from "./workload.js";
import type { Workload } from "./workload.js";

/** One workload's measurements: inseq.js in one variant, and PyTorch. */
export interface WorkloadReport {
  readonly workload: Workload;
  /** Code version and options of the inseq.js side (`live` = the current build). */
  readonly variant: string;
  readonly ours: OursResult;
  /** PyTorch with Hugging Face's forward (logits at every position): the reference. */
  readonly torch?: TorchResult;
  readonly agreement?: AttributionAgreement;
  /** PyTorch with the LM head at the last position only (`--torch-last-head`). */
  readonly torchLastHead?: TorchResult;
  readonly agreementLastHead?: AttributionAgreement;
}

const mib = (b: number) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(0)} MiB` : "–");
const sec = (s: number) => s.toFixed(2);
const runs = (ts: readonly number[]) => ts.map((t) => t.toFixed(1)).join(" / ");

/** Label of a workload, e.g. `integrated_gradients (nSteps 20, ibs 20)`. */
export function workloadLabel(w: Workload): string {
  return w.method === "integrated_gradients" ? `integrated_gradients (nSteps ${w.nSteps}, ibs ${w.internalBatchSize})` : w.method;
}

const oursLabel = (r: WorkloadReport) => `inseq.js ${r.variant === "live" ? "" : `[${r.variant}] `}(${r.ours.backend})`;

/** Agreement lines, printed before any timing. */
export function formatAgreement(reports: readonly WorkloadReport[]): string[] {
  const line = (r: WorkloadReport, a: AttributionAgreement, against: string) =>
    `${workloadLabel(r.workload)}, ${oursLabel(r)} vs ${against}: max relative difference ${a.maxRelativeDifference.toExponential(2)} (tolerance ${a.tolerance.toExponential(0)}), per-step sums ${a.maxSumRelativeDifference.toExponential(2)} — ${a.ok ? "agree" : "DISAGREE"}`;
  return reports.flatMap((r) => [
    ...(r.agreement ? [line(r, r.agreement, "PyTorch")] : []),
    ...(r.agreementLastHead ? [line(r, r.agreementLastHead, "PyTorch (last-position head)")] : []),
  ]);
}

const torchLabel = (t: TorchResult) => `PyTorch ${t.torchVersion}${t.lmHead === "last" ? ", LM head at the last position" : ""} (${t.threads} thread, ${t.blas})`;

/** The markdown results table: inseq.js rows (one per variant) and the PyTorch row of each workload, then the ratios. */
export function formatTable(reports: readonly WorkloadReport[]): string[] {
  const lines = [
    "| workload | side | median wall s (runs) | median CPU s | tokens/s (wall) | peak RSS | tensor memory |",
    "|---|---|---|---|---|---|---|",
  ];
  const seenTorch = new Set<Workload>();
  for (const r of reports) {
    const tokens = attributedSteps(r.workload);
    const o = r.ours;
    lines.push(
      `| ${workloadLabel(r.workload)} | ${oursLabel(r)} | ${sec(o.medianS)} (${runs(o.timesS)}) | ${sec(o.medianCpuS)} | ${(tokens / o.medianS).toFixed(2)} | ${mib(o.peakRssBytes)} | wasm heap ${mib(o.wasmHeapBytes)}, tf.memory() peak ${mib(o.peakTensorBytes)} |`,
    );
    const last = reports.filter((x) => x.workload === r.workload).at(-1) === r;
    if (last && !seenTorch.has(r.workload)) {
      seenTorch.add(r.workload);
      for (const t of [r.torch, r.torchLastHead]) {
        if (t) lines.push(`| ${workloadLabel(r.workload)} | ${torchLabel(t)} | ${sec(t.medianS)} (${runs(t.timesS)}) | ${sec(t.medianCpuS)} | ${(tokens / t.medianS).toFixed(2)} | ${mib(t.peakRssBytes)} | – |`);
      }
    }
  }
  const ratios = reports.filter((r) => r.torch);
  if (ratios.length) {
    const tuned = ratios.some((r) => r.torchLastHead);
    lines.push(
      "",
      `| workload | inseq.js | ours/PyTorch wall | ours/PyTorch CPU |${tuned ? " ours/PyTorch (last-position head) wall | … CPU |" : ""}`,
      `|---|---|---|---|${tuned ? "---|---|" : ""}`,
    );
    for (const r of ratios) {
      const extra = r.torchLastHead ? ` ${(r.ours.medianS / r.torchLastHead.medianS).toFixed(2)} | ${(r.ours.medianCpuS / r.torchLastHead.medianCpuS).toFixed(2)} |` : tuned ? " – | – |" : "";
      lines.push(`| ${workloadLabel(r.workload)} | ${oursLabel(r)} | ${(r.ours.medianS / r.torch!.medianS).toFixed(2)} | ${(r.ours.medianCpuS / r.torch!.medianCpuS).toFixed(2)} |${extra}`);
    }
  }
  return lines;
}

/** Kernel-time breakdown of a profiled run (top `n`). */
export function formatKernels(r: WorkloadReport, n = 12): string[] {
  const total = r.ours.kernels.reduce((a, k) => a + k.ms, 0);
  return [
    `kernels of ${workloadLabel(r.workload)}, ${oursLabel(r)} (one profiled run, ${(total / 1000).toFixed(2)} s in kernels):`,
    ...r.ours.kernels.slice(0, n).map((k) => `  ${k.name.padEnd(16)} ${String(k.calls).padStart(6)} calls ${(k.ms / 1000).toFixed(2).padStart(7)} s ${((100 * k.ms) / total).toFixed(1).padStart(5)} %`),
  ];
}
