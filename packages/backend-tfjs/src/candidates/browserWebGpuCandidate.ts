import * as tf from "@tensorflow/tfjs-core";
import type { BackendCandidate } from "../backendTypes.js";
import { adapterName, isSoftwareAdapter } from "./nodeWebGpuCandidate.js";

interface NavigatorGpu {
  readonly gpu?: { requestAdapter(options?: unknown): Promise<Parameters<typeof adapterName>[0] | null> };
}

/** WebGPU in a browser or worker: needs `navigator.gpu` and an adapter (a software one included, e.g. SwiftShader). */
export function browserWebGpuCandidate(): BackendCandidate {
  let name = "";
  return {
    backend: "webgpu",
    async prepare() {
      const gpu = (globalThis as { navigator?: NavigatorGpu }).navigator?.gpu;
      if (gpu === undefined) return "navigator.gpu is missing (a browser without WebGPU, or a page that is not a secure context)";
      const adapter = await gpu.requestAdapter();
      if (adapter === null) return "navigator.gpu.requestAdapter() returned no adapter (WebGPU disabled or no usable GPU)";
      name = `${adapterName(adapter)}${isSoftwareAdapter(adapter) ? ", software adapter" : ""}`;
      if (tf.findBackendFactory("webgpu") === null) await import("@tensorflow/tfjs-backend-webgpu");
      return undefined;
    },
    async describe() {
      return name ? `GPU adapter: ${name}` : "";
    },
  };
}
