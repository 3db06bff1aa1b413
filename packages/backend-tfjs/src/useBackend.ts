import "./registerGradients.js";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";

/** Compute backends inseq.js can run on. */
export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";

/** Which backend was chosen and why. */
export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: string;
  /** Backends tried before this one, with the reason each was skipped. */
  readonly skipped: readonly { backend: BackendName; reason: string }[];
}

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** Order tried by `"auto"`: browsers prefer the GPU, Node the wasm SIMD kernels (15 GFLOP/s vs 0.4 for cpu). */
export function fallbackChain(): BackendName[] {
  return isNode ? ["wasm", "cpu"] : ["webgpu", "webgl", "wasm", "cpu"];
}

/**
 * Initialises a tfjs backend: `"auto"` walks {@link fallbackChain} until one initialises; a named backend is
 * tried alone and failure throws with the reason.
 */
export async function useBackend(name: BackendName | "auto" = "auto"): Promise<BackendChoice> {
  const chain = name === "auto" ? fallbackChain() : [name];
  const skipped: { backend: BackendName; reason: string }[] = [];
  for (const backend of chain) {
    try {
      if (tf.getBackend() === backend) return { backend, reason: "already active", skipped };
      if (tf.findBackendFactory(backend) === null) {
        skipped.push({ backend, reason: "not registered in this build" });
        continue;
      }
      const ok = await tf.setBackend(backend);
      if (ok) {
        await tf.ready();
        return { backend, reason: name === "auto" ? "first available in the fallback chain" : "requested", skipped };
      }
      skipped.push({ backend, reason: "initialisation failed" });
    } catch (e) {
      skipped.push({ backend, reason: (e as Error).message });
    }
  }
  throw new Error(`No tfjs backend could be initialised (${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}).`);
}
