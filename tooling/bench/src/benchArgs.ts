import type { BenchMethod } from "./workload.js";

/** Command-line options of `pnpm bench`. */
export interface BenchArgs {
  /** Timed runs per side after the warm-up. */
  readonly repeats: number;
  readonly methods: readonly BenchMethod[];
  readonly nSteps: number;
  readonly internalBatchSize: number;
  /** Skip the PyTorch side. */
  readonly noTorch: boolean;
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
  /** Folder of the cached model and snapshots (default `tooling/bench/.cache`). */
  readonly cacheDir?: string;
  /** Freeze the built code under this name and exit (see `snapshot.ts`). */
  readonly snapshot?: string;
  /** Code versions to time side by side: snapshot names, `live` for the current build (default `["live"]`). */
  readonly variants: readonly string[];
  /** Interleaved rounds: each round runs every variant (and PyTorch) once, in turn. */
  readonly rounds: number;
}

const USAGE = `usage: pnpm bench [--repeats N] [--methods integrated_gradients,saliency] [--n-steps N] [--internal-batch-size N]
                  [--no-torch] [--torch-last-head] [--memory-sweep 10,20,40] [--kernels] [--options '{"stepBatchSize":1}'] [--json FILE] [--cache DIR]
                  [--snapshot NAME] [--variants live,NAME[=OPTIONS_JSON],...] [--rounds N]`;

/** Parses `argv` (without node and the script); throws with the usage on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const a: { -readonly [K in keyof BenchArgs]: BenchArgs[K] } = {
    repeats: 3, methods: ["integrated_gradients", "saliency"], nSteps: 20, internalBatchSize: 20, noTorch: false, torchLastHead: false, memorySweep: [], kernels: false, extraOptions: {},
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
      case "--torch-last-head": a.torchLastHead = true; break;
      case "--kernels": a.kernels = true; break;
      case "--json": a.jsonOut = value(); break;
      case "--cache": a.cacheDir = value(); break;
      case "--snapshot": a.snapshot = value(); break;
      case "--variants": a.variants = value().split(","); break;
      case "--rounds": a.rounds = int(flag, value()); break;
      case "--memory-sweep": a.memorySweep = value().split(",").map((v) => int(flag, v)); break;
      case "--options": a.extraOptions = JSON.parse(value()) as Record<string, unknown>; break;
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
  return a;
}
