import type { BackendCandidate, BackendChoice, BackendName, UseBackendOptions } from "./backendTypes.js";
import { browserWebGpuCandidate } from "./candidates/browserWebGpuCandidate.js";
import { cpuCandidate } from "./candidates/cpuCandidate.js";
import { wasmCandidate } from "./candidates/wasmCandidate.js";
import { webGlCandidate } from "./candidates/webGlCandidate.js";
import { selectBackend } from "./selectBackend.js";

/** The browser's fallback chain: webgpu → webgl → wasm → cpu. */
export function browserCandidates(): BackendCandidate[] {
  return [browserWebGpuCandidate(), webGlCandidate(), wasmCandidate(true), cpuCandidate()];
}

const candidates = browserCandidates();

/** Order tried by `useBackend("auto")` here: in browsers `webgpu` → `webgl` → `wasm` → `cpu`. */
export function fallbackChain(): BackendName[] {
  return candidates.map((c) => c.backend);
}

/**
 * Initialises a tfjs backend and reports which one and why. `"auto"` walks {@link fallbackChain}: in browsers
 * webgpu → webgl → wasm → cpu; in Node `@tensorflow/tfjs-node` when installed, WebGPU through Dawn on a hardware
 * GPU, then wasm, then cpu. A named backend is tried alone and a failure throws {@link BackendUnavailableError}.
 * In a bundle, pass `wasmPaths` when the wasm `.wasm` files are not served next to it (README, "Bundlers").
 */
export async function useBackend(name: BackendName | "auto" = "auto", options: UseBackendOptions = {}): Promise<BackendChoice> {
  return selectBackend(name, options, candidates, "browser");
}
