import * as tf from "@tensorflow/tfjs-core";
import { BackendUnavailableError } from "./BackendUnavailableError.js";
import { guardWasmHeap } from "./backendHealth.js";
import { BACKEND_NAMES, type BackendCandidate, type BackendChoice, type BackendName, type SkippedBackend, type UseBackendOptions } from "./backendTypes.js";
import { errorMessage } from "./errorMessage.js";

async function chosen(candidate: BackendCandidate, why: string, skipped: SkippedBackend[]): Promise<BackendChoice> {
  let detail = "";
  try {
    detail = candidate.describe ? await candidate.describe() : "";
  } catch {
    detail = "";
  }
  return { backend: candidate.backend, reason: detail ? `${why}; ${detail}` : why, skipped };
}

/**
 * Walks `candidates` (the platform's fallback chain) for `"auto"`, or tries the one named backend, and initialises
 * the first that works. Throws {@link BackendUnavailableError} listing every reason when none does.
 */
export async function selectBackend(name: BackendName | "auto", options: UseBackendOptions, candidates: readonly BackendCandidate[], platform: string): Promise<BackendChoice> {
  if (name !== "auto" && !BACKEND_NAMES.includes(name)) {
    throw new BackendUnavailableError(`Unknown backend "${String(name)}"; use "auto", ${BACKEND_NAMES.map((b) => `"${b}"`).join(", ")}.`, []);
  }
  const chain = name === "auto" ? candidates : candidates.filter((c) => c.backend === name);
  const skipped: SkippedBackend[] = [];
  if (chain.length === 0) {
    const available = candidates.map((c) => c.backend).join(", ");
    const reason = `not available in ${platform} (this platform has: ${available})`;
    throw new BackendUnavailableError(`The ${name} backend is ${reason}. Use useBackend("auto") or one of those.`, [{ backend: name as BackendName, reason }]);
  }
  for (const candidate of chain) {
    const { backend } = candidate;
    try {
      if (tf.getBackend() === backend) {
        guardWasmHeap();
        return chosen(candidate, "already active", skipped);
      }
      const missing = await candidate.prepare(options);
      if (missing !== undefined) {
        skipped.push({ backend, reason: missing });
        continue;
      }
      if (tf.findBackendFactory(backend) === null) {
        skipped.push({ backend, reason: "its package loaded but registered no backend factory" });
        continue;
      }
      if (await tf.setBackend(backend)) {
        await tf.ready();
        // before any tensor exists: every wasm buffer is then accounted, and no allocation can corrupt the module
        guardWasmHeap();
        return chosen(candidate, name === "auto" ? `first available in the ${platform} fallback chain (${chain.map((c) => c.backend).join(" → ")})` : "requested", skipped);
      }
      skipped.push({ backend, reason: "initialisation failed (see the console warning from tfjs)" });
    } catch (e) {
      skipped.push({ backend, reason: errorMessage(e) });
    }
  }
  const reasons = skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
  const fix = name === "auto" ? "" : ` Use useBackend("auto") to fall back to another backend.`;
  throw new BackendUnavailableError(`No tfjs backend could be initialised (${reasons}).${fix}`, skipped);
}
