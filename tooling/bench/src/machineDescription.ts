import { cpus, loadavg, totalmem } from "node:os";
import { createRequire } from "node:module";

/** One line describing where the bench ran: CPU model and count, memory, Node and tfjs versions, load average. */
export function machineDescription(): string {
  const list = cpus();
  const require = createRequire(import.meta.url);
  let tfjs = "?";
  try {
    tfjs = (require("@tensorflow/tfjs-core/package.json") as { version: string }).version;
  } catch {
    // version unknown
  }
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  return `${list[0]?.model ?? "unknown CPU"} × ${list.length} vCPU, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, tfjs ${tfjs} (wasm, SIMD, 1 thread), load average ${load}`;
}
