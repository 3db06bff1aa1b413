import { spawnSync } from "node:child_process";

/** How to get PyTorch when no Python with it is found. */
export const TORCH_INSTALL_HINT =
  "PyTorch not found: on Debian/Ubuntu run `apt-get update && apt-get install -y python3-torch python3-numpy` (as root), " +
  "or `pip install torch numpy`; set INSEQJS_BENCH_PYTHON=/path/to/python if it lives elsewhere.";

/**
 * The first Python that can `import torch, numpy`: `$INSEQJS_BENCH_PYTHON`, then `python3`, then Debian's
 * `/usr/bin/python3` (a pyenv or venv `python3` on the PATH often lacks Debian's packages). `undefined` when none can.
 */
export function findTorchPython(candidates: readonly string[] = [process.env.INSEQJS_BENCH_PYTHON ?? "", "python3", "/usr/bin/python3"]): string | undefined {
  for (const python of candidates) {
    if (!python) continue;
    const res = spawnSync(python, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 });
    if (res.status === 0) return python;
  }
  return undefined;
}
