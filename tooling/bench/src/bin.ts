#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseBenchArgs } from "./benchArgs.js";
import { agreementOf } from "./compareAttributions.js";
import { ensureBenchLlama, ensureBenchModel } from "./ensureBenchModel.js";
import { failureOf, formatFailure } from "./failure.js";
import type { FailureInfo } from "./failure.js";
import { formatAgreement, formatKernels, formatTable, formatTorchSetup, isLoadReport, workloadLabel } from "./formatReport.js";
import type { LoadReport, Report, WorkloadReport } from "./formatReport.js";
import { DISTILGPT2_SHAPE } from "./gpt2Shape.js";
import { SMOLLM2_135M_SHAPE } from "./llamaShape.js";
import { machineDescription } from "./machineDescription.js";
import { mergeOurs, mergeTorch } from "./mergeRounds.js";
import { runOursInChild, runOursLoadInChild, serializeFailure, serializeResult } from "./oursInChild.js";
import type { WorkerJob } from "./oursInChild.js";
import { runOurs, runOursLoad } from "./runOurs.js";
import type { OursLoadResult, OursResult } from "./runOurs.js";
import { runTorch, runTorchLoad } from "./runTorch.js";
import type { TorchLoadResult, TorchResult, TorchSetup } from "./runTorch.js";
import { createSnapshot, snapshotWorker } from "./snapshot.js";
import { findTorchPeer } from "./torchPeer.js";
import { parseVariant } from "./variantSpec.js";
import { allBenchItems, benchWorkloads, isLoad, selectBenchItems } from "./workload.js";
import type { BenchShapeName, Workload } from "./workload.js";

/** Seed of the benchmark models' random weights. */
const MODEL_SEED = 1;
/** Agreement tolerances (test-data/README.md: rtol of the integrated-gradients family and of saliency). */
const TOLERANCE = { integrated_gradients: 1e-3, saliency: 1e-4 } as const;
/** Hidden size of each bench model (to split attributions into steps). */
const HIDDEN: Record<BenchShapeName, number> = { distilgpt2: DISTILGPT2_SHAPE.nEmbd, smollm2: SMOLLM2_135M_SHAPE.hiddenSize };

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function worker(jobPath: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, "utf8")) as WorkerJob;
  try {
    const result = job.kind === "load" ? await runOursLoad(job.modelDir) : await runOurs(job.modelDir, job.workload, job.options);
    writeFileSync(job.resultPath, serializeResult(result));
  } catch (e) {
    // reported as a failed row by the parent (the wasm module may be dead: write the file and exit)
    writeFileSync(job.resultPath, serializeFailure(e));
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
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
  const items = selectBenchItems(allBenchItems(SMOLLM2_135M_SHAPE.vocabSize, args.nSteps, args.internalBatchSize), args.shapes, args.workloads, args.methods);
  if (args.list) {
    for (const w of items) process.stdout.write(`${w.id}\t${isLoad(w) ? `${w.shape} · load` : `${workloadLabel(w)}${w.long ? " (long: 1 run, sums only)" : ""}`}\n`);
    return 0;
  }
  const variants = args.variants.map(parseVariant);
  const workers = new Map(variants.map((v) => [v.label, v.code === "live" ? undefined : snapshotWorker(cacheDir, v.code)]));
  const modelDirs = new Map<BenchShapeName, string>();
  const modelDir = (shape: BenchShapeName) => {
    if (!modelDirs.has(shape)) {
      modelDirs.set(shape, shape === "smollm2" ? ensureBenchLlama(cacheDir, SMOLLM2_135M_SHAPE, MODEL_SEED, log) : ensureBenchModel(cacheDir, DISTILGPT2_SHAPE, MODEL_SEED, log));
    }
    return modelDirs.get(shape)!;
  };
  for (const w of items) modelDir(w.shape ?? "distilgpt2");
  const peer = args.noTorch ? undefined : findTorchPeer(cacheDir, { noVenv: args.noVenv, log });
  if (peer) log(`PyTorch side: ${peer.impl === "hf" ? "Hugging Face peer (hf_reference.py)" : "Debian fallback (torch_reference.py)"} with ${peer.python} (${peer.source})`);
  const runOursSide = !args.torchOnly;
  const machineBefore = machineDescription();
  const child = (label: string) => ({ worker: workers.get(label), timeoutS: args.timeoutS });
  const reports: Report[] = [];
  let torchSetup: TorchSetup | undefined;

  for (const item of items) {
    const dir = modelDir(item.shape ?? "distilgpt2");
    if (isLoad(item)) {
      const ours = new Map<string, OursLoadResult[]>(variants.map((v) => [v.label, []]));
      const oursFailure = new Map<string, FailureInfo>();
      const torch: TorchLoadResult[] = [];
      let torchFailure: FailureInfo | undefined;
      for (let round = 0; round < args.rounds; round++) {
        for (const v of runOursSide ? variants : []) {
          for (let i = 0; i < args.repeats && !oursFailure.has(v.label); i++) {
            log(`${item.id}, round ${round + 1}/${args.rounds}: inseq.js ${v.label} loadModel in a fresh process (${i + 1}/${args.repeats})`);
            try {
              ours.get(v.label)!.push(await runOursLoadInChild(dir, child(v.label)));
            } catch (e) {
              oursFailure.set(v.label, failureOf(e));
              log(`  failed: ${formatFailure(failureOf(e))}`);
            }
          }
        }
        for (let i = 0; peer && i < args.repeats && !torchFailure; i++) {
          log(`${item.id}, round ${round + 1}/${args.rounds}: PyTorch from_pretrained in a fresh process (${i + 1}/${args.repeats})`);
          try {
            const t = await runTorchLoad(peer, dir, args.timeoutS);
            torch.push(t);
            torchSetup ??= t;
          } catch (e) {
            torchFailure = failureOf(e);
            log(`  failed: ${formatFailure(torchFailure)}`);
          }
        }
      }
      for (const v of runOursSide ? variants : [{ label: "live" }]) {
        const r: LoadReport = { load: item, variant: v.label, ours: ours.get(v.label) ?? [], oursFailure: oursFailure.get(v.label), torch, torchFailure };
        reports.push(r);
      }
      continue;
    }

    const workload: Workload = item;
    const long = workload.long === true;
    const repeats = long ? 1 : args.repeats;
    const warmup = long ? 0 : 1;
    const runs = long ? "1 timed run, no warm-up" : `${repeats} timed run${repeats === 1 ? "" : "s"} after a warm-up`;
    const ours = new Map<string, OursResult[]>(variants.map((v) => [v.label, []]));
    const oursFailure = new Map<string, FailureInfo>();
    const torch: TorchResult[] = [];
    const torchLast: TorchResult[] = [];
    let torchFailure: FailureInfo | undefined;
    let torchLastFailure: FailureInfo | undefined;
    for (let round = 0; round < args.rounds; round++) {
      for (const v of runOursSide ? variants : []) {
        if (oursFailure.has(v.label)) continue;
        log(`${workload.id}, round ${round + 1}/${args.rounds}: inseq.js ${v.label} (${runs})`);
        const options = { repeats, warmup, keepAttributions: !long, extraOptions: { ...args.extraOptions, ...v.options }, profile: round === 0 && !long };
        try {
          ours.get(v.label)!.push(await runOursInChild(dir, workload, options, child(v.label)));
        } catch (e) {
          oursFailure.set(v.label, failureOf(e));
          log(`  failed: ${formatFailure(failureOf(e))}`);
        }
      }
      if (peer) {
        const opts = { repeats, warmup, full: !long, hidden: HIDDEN[workload.shape ?? "distilgpt2"], timeoutS: args.timeoutS, threads: args.torchThreads };
        if (!torchFailure) {
          log(`${workload.id}, round ${round + 1}/${args.rounds}: PyTorch (${runs})`);
          try {
            const t = await runTorch(peer, dir, workload, opts);
            torch.push(t);
            torchSetup ??= t;
          } catch (e) {
            torchFailure = failureOf(e);
            log(`  failed: ${formatFailure(torchFailure)}`);
          }
        }
        if (args.torchLastHead && !torchLastFailure) {
          log(`${workload.id}, round ${round + 1}/${args.rounds}: PyTorch, LM head at the last position only`);
          try {
            torchLast.push(await runTorch(peer, dir, workload, { ...opts, lmHead: "last" }));
          } catch (e) {
            torchLastFailure = failureOf(e);
            log(`  failed: ${formatFailure(torchLastFailure)}`);
          }
        }
      }
    }
    const t = torch.length ? mergeTorch(torch) : undefined;
    const tLast = torchLast.length ? mergeTorch(torchLast) : undefined;
    const tol = TOLERANCE[workload.method];
    for (const v of runOursSide ? variants : [{ label: "live" }]) {
      const rs = ours.get(v.label) ?? [];
      const o = rs.length ? mergeOurs(rs) : undefined;
      const r: WorkloadReport = {
        workload,
        variant: v.label,
        ours: o,
        oursFailure: oursFailure.get(v.label),
        torch: t,
        torchFailure,
        torchLastHead: tLast,
        torchLastHeadFailure: torchLastFailure,
        agreement: o && t ? agreementOf(o, t, tol) : undefined,
        agreementLastHead: o && tLast ? agreementOf(o, tLast, tol) : undefined,
      };
      reports.push(r);
    }
  }

  const sweep: string[] = [];
  for (const nSteps of runOursSide ? args.memorySweep : []) {
    const [ig] = benchWorkloads(nSteps, args.internalBatchSize);
    log(`memory sweep: integrated_gradients nSteps ${nSteps} (${variants[0].label})`);
    try {
      const r = await runOursInChild(modelDir("distilgpt2"), ig, { repeats: 1, extraOptions: { ...args.extraOptions, ...variants[0].options } }, child(variants[0].label));
      sweep.push(`| ${nSteps} | ${args.internalBatchSize} | ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB | ${(r.wasmHeapBytes / 2 ** 20).toFixed(0)} MiB | ${(r.peakTensorBytes / 2 ** 20).toFixed(0)} MiB | ${r.medianS.toFixed(1)} s | ${r.medianCpuS.toFixed(1)} s |`);
    } catch (e) {
      sweep.push(`| ${nSteps} | ${args.internalBatchSize} | FAILED — ${formatFailure(failureOf(e))} | | | | |`);
    }
  }

  const out: string[] = [];
  const agreement = formatAgreement(reports);
  if (agreement.length) out.push("Attributions, inseq.js against PyTorch:", ...agreement.map((l) => `  ${l}`), "");
  const disagree = reports.some((r) => !isLoadReport(r) && ((r.agreement && !r.agreement.ok) || (r.agreementLastHead && !r.agreementLastHead.ok)));
  if (disagree) {
    out.push("The two sides do not compute the same attributions: no timing is reported.");
    process.stdout.write(`${out.join("\n")}\n`);
    return 1;
  }
  out.push(`Machine: ${machineBefore}`, `Load average at the end: ${machineDescription().replace(/.*load average /, "")}`, formatTorchSetup(peer, torchSetup), "");
  out.push(...formatTable(reports));
  if (sweep.length) out.push("", "| nSteps | internalBatchSize | peak RSS | wasm heap | tf.memory() peak | wall | CPU |", "|---|---|---|---|---|---|---|", ...sweep);
  if (args.kernels) for (const r of reports) if (!isLoadReport(r)) out.push("", ...formatKernels(r));
  process.stdout.write(`${out.join("\n")}\n`);
  if (args.jsonOut) {
    const strip = <T extends object>(x: T | undefined) => (x ? { ...x, attributions: undefined } : undefined);
    const slim = reports.map((r) => (isLoadReport(r) ? r : { ...r, ours: strip(r.ours), torch: strip(r.torch), torchLastHead: strip(r.torchLastHead) }));
    writeFileSync(args.jsonOut, JSON.stringify({ machine: machineBefore, torch: torchSetup, torchPeer: peer, reports: slim }, null, 2));
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
