import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findTorchPython, TORCH_INSTALL_HINT } from "./findTorchPython.js";

/**
 * The Python that runs the PyTorch side. `hf`: torch 2.x + transformers, `python/hf_reference.py` runs the Hugging Face
 * model at torch's default threads (the peer). `reference`: a Python with torch and numpy only (Debian's
 * `python3-torch`), `python/torch_reference.py` runs the bench's own GPT-2 on one thread (the fallback; GPT-2 only).
 */
export interface TorchPeer {
  readonly python: string;
  readonly impl: "hf" | "reference";
  /** Where it came from, for the report (`venv tooling/bench/.cache/venv`, `$INSEQJS_BENCH_PYTHON`, `python3`). */
  readonly source: string;
}

/** What the bench installs into its venv (`pip install`, resolved as pip is configured: index, find-links, constraints). */
export const VENV_PACKAGES = ["torch==2.13.0+cpu", "transformers", "safetensors", "numpy"] as const;

const VENV_STAMP = "inseqjs-bench-venv.json";

/** The venv's folder under the bench cache. */
export function venvDir(cacheDir: string): string {
  return join(cacheDir, "venv");
}

/** The venv's Python. */
export function venvPython(cacheDir: string): string {
  return join(venvDir(cacheDir), "bin", "python");
}

/** `true` when `python` can import every module of `modules`. */
export function canImport(python: string, modules: readonly string[]): boolean {
  const res = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore", timeout: 120_000 });
  return res.status === 0;
}

/** Extra `pip install` arguments from `$INSEQJS_BENCH_PIP_ARGS` (whitespace-separated). */
export function pipExtraArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.INSEQJS_BENCH_PIP_ARGS ?? "").split(/\s+/).filter(Boolean);
}

/**
 * The bench's venv (`<cacheDir>/venv`) with {@link VENV_PACKAGES}, created once: `python3 -m venv` (or
 * `$INSEQJS_BENCH_VENV_PYTHON -m venv`), then `pip install`, then an import check; the stamp file marks it done.
 * Returns its Python, or `undefined` (and logs why, pip's log in `<cacheDir>/venv-pip.log`) when it cannot be built.
 */
export function ensureTorchVenv(cacheDir: string, log: (line: string) => void): string | undefined {
  const dir = venvDir(cacheDir);
  const python = venvPython(cacheDir);
  const stamp = join(dir, VENV_STAMP);
  const wanted = JSON.stringify({ packages: VENV_PACKAGES });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted && existsSync(python)) return python;
  const base = process.env.INSEQJS_BENCH_VENV_PYTHON ?? "python3";
  mkdirSync(cacheDir, { recursive: true });
  const pipLog = join(cacheDir, "venv-pip.log");
  if (!existsSync(python)) {
    log(`creating the PyTorch venv ${dir} (${base} -m venv; once)`);
    rmSync(dir, { recursive: true, force: true });
    const made = spawnSync(base, ["-m", "venv", dir], { encoding: "utf8", timeout: 300_000 });
    if (made.status !== 0) {
      log(`could not create the venv: ${(made.stderr || made.error?.message || "").trim().split("\n").at(-1) ?? ""}`);
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }
  const args = ["-m", "pip", "install", "--no-input", ...pipExtraArgs(), ...VENV_PACKAGES];
  log(`pip install ${[...pipExtraArgs(), ...VENV_PACKAGES].join(" ")} into the venv (once; minutes; log: ${pipLog})`);
  const pip = spawnSync(python, args, { encoding: "utf8", timeout: 3_600_000, maxBuffer: 256 * 2 ** 20 });
  writeFileSync(pipLog, `${pip.stdout ?? ""}\n${pip.stderr ?? ""}`);
  if (pip.status !== 0 || !canImport(python, ["torch", "transformers", "safetensors", "numpy"])) {
    log(`pip install failed (exit ${pip.status}): ${(pip.stderr ?? "").trim().split("\n").at(-1) ?? ""} — see ${pipLog}`);
    return undefined;
  }
  writeFileSync(stamp, wanted);
  return python;
}

/**
 * The PyTorch side to run: `$INSEQJS_BENCH_PYTHON` if set and able to; else the bench's venv (built once unless
 * `noVenv`); else the first `python3` / `/usr/bin/python3` that has torch (with transformers: `hf`, without: the
 * Debian `reference` fallback). `undefined` (logged, with the install hint) when there is none.
 */
export function findTorchPeer(cacheDir: string, options: { noVenv?: boolean; log: (line: string) => void }): TorchPeer | undefined {
  const classify = (python: string, source: string): TorchPeer | undefined => {
    if (canImport(python, ["torch", "transformers", "safetensors", "numpy"])) return { python, impl: "hf", source };
    if (canImport(python, ["torch", "numpy"])) return { python, impl: "reference", source };
    return undefined;
  };
  const env = process.env.INSEQJS_BENCH_PYTHON;
  if (env) {
    const peer = classify(env, "$INSEQJS_BENCH_PYTHON");
    if (peer) return peer;
    options.log(`$INSEQJS_BENCH_PYTHON (${env}) cannot import torch; looking further.`);
  }
  if (!options.noVenv) {
    const python = ensureTorchVenv(cacheDir, options.log);
    if (python) return { python, impl: "hf", source: `venv ${venvDir(cacheDir)}` };
    options.log("no venv: falling back to a Python that already has torch (Debian's python3-torch).");
  }
  const fallback = findTorchPython(["python3", "/usr/bin/python3"]);
  if (fallback) return classify(fallback, fallback);
  options.log(`${TORCH_INSTALL_HINT} Timing inseq.js alone.`);
  return undefined;
}
