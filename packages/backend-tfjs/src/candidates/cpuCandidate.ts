import type { BackendCandidate } from "../backendTypes.js";

/** The plain-JavaScript cpu backend: always available, slow (use it for tiny models and as the reference). */
export function cpuCandidate(): BackendCandidate {
  return {
    backend: "cpu",
    async prepare() {
      await import("@tensorflow/tfjs-backend-cpu");
      return undefined;
    },
    async describe() {
      return "plain JavaScript kernels";
    },
  };
}
