import { BENCH_SHAPES } from "./workload.js";
import type { BenchMethod, BenchShapeName } from "./workload.js";

/** Command-line options of `pnpm bench`. */
export interface BenchArgs {
  /** Timed runs per side after the warm-up (long workloads: always one, without warm-up). */
  readonly repeats: number;
  readonly methods: readonly BenchMethod[];
  /** distilgpt2 integrated gradients (and the memory sweep): Gauss–Legendre points. */
  readonly nSteps: number;
  readonly internalBatchSize: number;
  /** Models to bench (`--shape smollm2|distilgpt2|all`, default all). */
  readonly shapes: readonly BenchShapeName[];
  /** Workload ids to run (`*` wildcards); all of the shapes when undefined. */
  readonly workloads?: readonly string[];
  /** List the workloads and exit. */
  readonly list: boolean;
  /** Skip the PyTorch side. */
  readonly noTorch: boolean;
  /** Skip the inseq.js side (PyTorch peer numbers only). */
  readonly torchOnly: boolean;
  /** Do not create the PyTorch venv (`.cache/venv`); use a Python that has torch already (Debian fallback). */
  readonly noVenv: boolean;
  /** `torch.set_num_threads(N)` in the PyTorch peer (default: torch's default threads, nothing set). */
  readonly torchThreads?: number;
  /** Kill a workload's process after this many seconds and report it as failed (default: no limit). */
  readonly timeoutS?: number;
  /** Also time PyTorch with the LM head at the last position only (a tuned baseline next to Hugging Face's forward). */
  readonly torchLastHead: boolean;
  /** Also measure peak memory of integrated gradients at these nSteps (fixed internalBatchSize). */
  readonly memorySweep: readonly number[];
  /** Print each workload's kernel-time breakdown. */
  readonly kernels: boolean;
  /** Extra `attribute` options for inseq.js, as JSON (`{"stepBatchSize":1}`). */
  readonly extraOptions: Readonly<Record<string, unknown>>;
  /** Write every measurement as JSON here. */
  readonly jsonOut?: string;
  /** Folder of the cached models, venv and snapshots (default `tooling/bench/.cache`). */
  readonly cacheDir?: string;
  /** Freeze the built code under this name and exit (see `snapshot.ts`). */
  readonly snapshot?: string;
  /** Code versions to time side by side: snapshot names, `live` for the current build (default `["live"]`). */
  readonly variants: readonly string[];
  /** Interleaved rounds: each round runs every variant (and PyTorch) once, in turn. */
  readonly rounds: number;
}

export const USAGE = `usage: pnpm bench [--shape smollm2|distilgpt2|all] [--workloads ID,ID*,...] [--list] [--repeats N]
                  [--methods integrated_gradients,saliency] [--n-steps N] [--internal-batch-size N]
                  [--no-torch] [--torch-only] [--no-venv] [--timeout SECONDS] [--torch-last-head] [--torch-threads N]
                  [--memory-sweep 10,20,40] [--kernels] [--options '{"stepBatchSize":1}'] [--json FILE] [--cache DIR]
                  [--snapshot NAME] [--variants live,NAME[@key=value;...],...] [--rounds N]`;

/** Parses `argv` (without node and the script); throws with the usage on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const a: { -readonly [K in keyof BenchArgs]: BenchArgs[K] } = {
    repeats: 3, methods: ["integrated_gradients", "saliency"], nSteps: 20, internalBatchSize: 20, shapes: [...BENCH_SHAPES], list: false,
    noTorch: false, torchOnly: false, noVenv: false, torchLastHead: false, memorySweep: [], kernels: false, extraOptions: {},
    variants: ["live"], rounds: 1,
  };
  const int = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}.\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value.\n${USAGE}`);
      return argv[++i];
    };
    switch (flag) {
      case "--repeats": a.repeats = int(flag, value()); break;
      case "--n-steps": a.nSteps = int(flag, value()); break;
      case "--internal-batch-size": a.internalBatchSize = int(flag, value()); break;
      case "--no-torch": a.noTorch = true; break;
      case "--torch-only": a.torchOnly = true; break;
      case "--no-venv": a.noVenv = true; break;
      case "--timeout": a.timeoutS = int(flag, value()); break;
      case "--torch-threads": a.torchThreads = int(flag, value()); break;
      case "--torch-last-head": a.torchLastHead = true; break;
      case "--kernels": a.kernels = true; break;
      case "--list": a.list = true; break;
      case "--json": a.jsonOut = value(); break;
      case "--cache": a.cacheDir = value(); break;
      case "--snapshot": a.snapshot = value(); break;
      case "--variants": a.variants = value().split(","); break;
      case "--rounds": a.rounds = int(flag, value()); break;
      case "--memory-sweep": a.memorySweep = value().split(",").map((v) => int(flag, v)); break;
      case "--options": a.extraOptions = JSON.parse(value()) as Record<string, unknown>; break;
      case "--workloads": a.workloads = value().split(",").filter(Boolean); break;
      case "--shape": {
        const v = value();
        if (v === "all") a.shapes = [...BENCH_SHAPES];
        else {
          const shapes = v.split(",");
          for (const s of shapes) if (!(BENCH_SHAPES as readonly string[]).includes(s)) throw new Error(`unknown shape ${s} (${BENCH_SHAPES.join(", ")} or all).\n${USAGE}`);
          a.shapes = shapes as BenchShapeName[];
        }
        break;
      }
      case "--methods": {
        const ms = value().split(",");
        for (const m of ms) if (m !== "integrated_gradients" && m !== "saliency") throw new Error(`unknown method ${m}.\n${USAGE}`);
        a.methods = ms as BenchMethod[];
        break;
      }
      case "--help": case "-h": throw new Error(USAGE);
      default: throw new Error(`unknown flag ${flag}.\n${USAGE}`);
    }
  }
  if (a.noTorch && a.torchOnly) throw new Error(`--no-torch and --torch-only leave nothing to run.\n${USAGE}`);
  return a;
}
