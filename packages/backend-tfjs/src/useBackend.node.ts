import type { BackendCandidate, BackendChoice, BackendName, ModuleImporter, UseBackendOptions } from "./backendTypes.js";
import { cpuCandidate } from "./candidates/cpuCandidate.js";
import { nodeWebGpuCandidate } from "./candidates/nodeWebGpuCandidate.js";
import { tfjsNodeCandidate } from "./candidates/tfjsNodeCandidate.js";
import { wasmCandidate } from "./candidates/wasmCandidate.js";
import { selectBackend } from "./selectBackend.js";

/** Node's fallback chain: tfjs-node when installed, WebGPU through Dawn on a real GPU, then wasm, then cpu. */
export function nodeCandidates(importer?: ModuleImporter): BackendCandidate[] {
  return [tfjsNodeCandidate(importer), nodeWebGpuCandidate(importer), wasmCandidate(false), cpuCandidate()];
}

const candidates = nodeCandidates();

/** Order tried by `useBackend("auto")` here: in Node `tensorflow` → `webgpu` → `wasm` → `cpu`. */
export function fallbackChain(): BackendName[] {
  return candidates.map((c) => c.backend);
}

/**
 * Initialises a tfjs backend and reports which one and why. `"auto"` walks {@link fallbackChain}: in Node
 * `@tensorflow/tfjs-node` when installed, WebGPU through the `webgpu` package (Dawn) when it finds a hardware GPU,
 * then wasm, then cpu; in browsers webgpu → webgl → wasm → cpu. A named backend is tried alone and a failure throws
 * {@link BackendUnavailableError} with the reason. Gradients are registered by importing this package.
 */
export async function useBackend(name: BackendName | "auto" = "auto", options: UseBackendOptions = {}): Promise<BackendChoice> {
  return selectBackend(name, options, candidates, "Node");
}
