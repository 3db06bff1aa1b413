#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseBenchArgs } from "./benchArgs.js";
import { compareAttributions } from "./compareAttributions.js";
import { ensureBenchModel } from "./ensureBenchModel.js";
import { findTorchPython, TORCH_INSTALL_HINT } from "./findTorchPython.js";
import { formatAgreement, formatKernels, formatTable } from "./formatReport.js";
import type { WorkloadReport } from "./formatReport.js";
import { DISTILGPT2_SHAPE } from "./gpt2Shape.js";
import { machineDescription } from "./machineDescription.js";
import { mergeOurs, mergeTorch } from "./mergeRounds.js";
import { runOursInChild, serializeResult } from "./oursInChild.js";
import type { WorkerJob } from "./oursInChild.js";
import { runOurs } from "./runOurs.js";
import type { OursResult } from "./runOurs.js";
import { runTorch } from "./runTorch.js";
import type { TorchResult } from "./runTorch.js";
import { createSnapshot, snapshotWorker } from "./snapshot.js";
import { parseVariant } from "./variantSpec.js";
import { benchWorkloads } from "./workload.js";

/** Seed of the benchmark model's random weights. */
const MODEL_SEED = 1;
/** Agreement tolerances (test-data/README.md: rtol of the integrated-gradients family and of saliency). */
const TOLERANCE = { integrated_gradients: 1e-3, saliency: 1e-4 } as const;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function worker(jobPath: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, "utf8")) as WorkerJob;
  const result = await runOurs(job.modelDir, job.workload, job.options);
  writeFileSync(job.resultPath, serializeResult(result));
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "--worker") {
    await worker(argv[1]);
    return 0;
  }
  const args = parseBenchArgs(argv);
  const cacheDir = args.cacheDir ?? fileURLToPath(new URL("../.cache", import.meta.url));
  if (args.snapshot) {
    log(`snapshot of the current build: ${createSnapshot(cacheDir, args.snapshot)}`);
    return 0;
  }
  const variants = args.variants.map(parseVariant);
  const workers = new Map(variants.map((v) => [v.label, v.code === "live" ? undefined : snapshotWorker(cacheDir, v.code)]));
  const modelDir = ensureBenchModel(cacheDir, DISTILGPT2_SHAPE, MODEL_SEED, log);
  const python = args.noTorch ? undefined : findTorchPython();
  if (!args.noTorch && !python) log(`${TORCH_INSTALL_HINT} Timing inseq.js alone.`);
  const machineBefore = machineDescription();
  const reports: WorkloadReport[] = [];
  for (const workload of benchWorkloads(args.nSteps, args.internalBatchSize).filter((w) => args.methods.includes(w.method))) {
    const ours = new Map<string, OursResult[]>(variants.map((v) => [v.label, []]));
    const torch: TorchResult[] = [];
    const torchLast: TorchResult[] = [];
    for (let round = 0; round < args.rounds; round++) {
      for (const v of variants) {
        log(`${workload.method}, round ${round + 1}/${args.rounds}: inseq.js ${v.label} (${args.repeats} timed runs after a warm-up)`);
        const options = { repeats: args.repeats, extraOptions: { ...args.extraOptions, ...v.options }, profile: round === 0 };
        ours.get(v.label)!.push(await runOursInChild(modelDir, workload, options, workers.get(v.label)));
      }
      if (python) {
        log(`${workload.method}, round ${round + 1}/${args.rounds}: PyTorch (${args.repeats} timed runs after a warm-up)`);
        torch.push(await runTorch(python, modelDir, workload, args.repeats, DISTILGPT2_SHAPE.nEmbd));
        if (args.torchLastHead) {
          log(`${workload.method}, round ${round + 1}/${args.rounds}: PyTorch, LM head at the last position only`);
          torchLast.push(await runTorch(python, modelDir, workload, args.repeats, DISTILGPT2_SHAPE.nEmbd, "last"));
        }
      }
    }
    const t = torch.length ? mergeTorch(torch) : undefined;
    const tLast = torchLast.length ? mergeTorch(torchLast) : undefined;
    for (const v of variants) {
      const o = mergeOurs(ours.get(v.label)!);
      const agreement = t ? compareAttributions(o.attributions, t.attributions, TOLERANCE[workload.method]) : undefined;
      const agreementLast = tLast ? compareAttributions(o.attributions, tLast.attributions, TOLERANCE[workload.method]) : undefined;
      reports.push({ workload, variant: v.label, ours: o, torch: t, torchLastHead: tLast, agreement, agreementLastHead: agreementLast });
    }
  }
  const sweep: string[] = [];
  for (const nSteps of args.memorySweep) {
    const [ig] = benchWorkloads(nSteps, args.internalBatchSize);
    log(`memory sweep: integrated_gradients nSteps ${nSteps} (${variants[0].label})`);
    const r = await runOursInChild(modelDir, ig, { repeats: 1, extraOptions: { ...args.extraOptions, ...variants[0].options } }, workers.get(variants[0].label));
    sweep.push(`| ${nSteps} | ${args.internalBatchSize} | ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB | ${(r.wasmHeapBytes / 2 ** 20).toFixed(0)} MiB | ${(r.peakTensorBytes / 2 ** 20).toFixed(0)} MiB | ${r.medianS.toFixed(1)} s | ${r.medianCpuS.toFixed(1)} s |`);
  }

  const out: string[] = [];
  const agreement = formatAgreement(reports);
  if (agreement.length) out.push("Attributions, inseq.js against PyTorch:", ...agreement.map((l) => `  ${l}`), "");
  if (reports.some((r) => (r.agreement && !r.agreement.ok) || (r.agreementLastHead && !r.agreementLastHead.ok))) {
    out.push("The two sides do not compute the same attributions: no timing is reported.");
    process.stdout.write(`${out.join("\n")}\n`);
    return 1;
  }
  out.push(`Machine: ${machineBefore}`, `Load average at the end: ${machineDescription().replace(/.*load average /, "")}`, "");
  out.push(...formatTable(reports));
  if (sweep.length) out.push("", "| nSteps | internalBatchSize | peak RSS | wasm heap | tf.memory() peak | wall | CPU |", "|---|---|---|---|---|---|---|", ...sweep);
  if (args.kernels) for (const r of reports) out.push("", ...formatKernels(r));
  process.stdout.write(`${out.join("\n")}\n`);
  if (args.jsonOut) {
    const strip = <T extends object>(x: T | undefined) => (x ? { ...x, attributions: undefined } : undefined);
    const slim = reports.map((r) => ({ ...r, ours: strip(r.ours), torch: strip(r.torch), torchLastHead: strip(r.torchLastHead) }));
    writeFileSync(args.jsonOut, JSON.stringify({ machine: machineBefore, reports: slim }, null, 2));
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
