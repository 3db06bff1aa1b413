import * as tf from "@tensorflow/tfjs-core";
import type { BackendCandidate, ModuleImporter } from "../backendTypes.js";
import { errorMessage } from "../errorMessage.js";
import { defaultImporter, isModuleNotFound } from "./defaultImporter.js";

const SPECIFIER = "webgpu";

/** The part of a WebGPU adapter this module reads (structural, so that tests can pass a mock). */
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; type?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  readonly features: { has(name: string): boolean };
  requestDevice(descriptor?: unknown): Promise<unknown>;
}

/** The `webgpu` npm package (Dawn for Node): `create(flags)` returns a `GPU`, `globals` the WebGPU constants. */
interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: unknown): Promise<AdapterLike | null> };
  globals: Record<string, unknown>;
}

const LIMITS = ["maxComputeWorkgroupStorageSize", "maxComputeWorkgroupsPerDimension", "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupSizeX", "maxComputeInvocationsPerWorkgroup"];

/** Whether an adapter is a software one (`isFallbackAdapter` moved from the adapter to its info in the spec). */
export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  return !!(adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || adapter.info?.type === "cpu");
}

/** A short name of an adapter (`nvidia ampere`). */
export function adapterName(adapter: AdapterLike): string {
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter((s) => typeof s === "string" && s.length > 0).join(" ") || "unnamed adapter";
}

/**
 * WebGPU in Node through the `webgpu` npm package (Dawn; optional peer dependency, imported dynamically), used
 * only when Dawn finds a hardware GPU adapter: a software (fallback) adapter is slower than wasm. Defines
 * `navigator.gpu` (Dawn's) when Node has none, which tfjs's webgpu backend needs, and registers the backend.
 */
export function nodeWebGpuCandidate(importer: ModuleImporter = defaultImporter): BackendCandidate {
  let adapter: AdapterLike | undefined;
  return {
    backend: "webgpu",
    async prepare() {
      if (tf.findBackendFactory("webgpu") !== null) return undefined;
      let dawn: DawnModule;
      try {
        dawn = (await importer(SPECIFIER)) as DawnModule;
      } catch (e) {
        if (isModuleNotFound(e, SPECIFIER)) return `the optional "${SPECIFIER}" package (Dawn) is not installed (npm i ${SPECIFIER} to use a GPU from Node)`;
        return `the "${SPECIFIER}" package failed to load: ${errorMessage(e)}`;
      }
      let gpu: ReturnType<DawnModule["create"]>;
      let found: AdapterLike | null;
      try {
        Object.assign(globalThis, dawn.globals);
        gpu = dawn.create([]);
        found = await gpu.requestAdapter({ powerPreference: "high-performance" });
      } catch (e) {
        return `Dawn could not look for a GPU adapter: ${errorMessage(e)}`;
      }
      if (found === null) return "Dawn found no GPU adapter (no GPU, or no Vulkan/Metal/D3D12 driver)";
      if (isSoftwareAdapter(found)) return `Dawn found only a software adapter (${adapterName(found)}), slower than wasm`;
      adapter = found;
      // tfjs's webgpu backend looks for `navigator.gpu` (absent in Node 20, empty in Node 21+)
      const g = globalThis as { navigator?: { gpu?: unknown } };
      if (g.navigator === undefined) g.navigator = { gpu };
      else if (g.navigator.gpu === undefined) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
      const webgpu = (await importer("@tensorflow/tfjs-backend-webgpu")) as { WebGPUBackend: new (device: unknown, info?: unknown) => tf.KernelBackend };
      if (tf.findBackendFactory("webgpu") !== null) return undefined; // it registered itself, seeing navigator.gpu
      const chosenAdapter = found;
      tf.registerBackend("webgpu", async () => {
        const requiredLimits = Object.fromEntries(LIMITS.map((k) => [k, chosenAdapter.limits[k]]));
        const requiredFeatures = chosenAdapter.features.has("timestamp-query") ? ["timestamp-query"] : [];
        const device = await chosenAdapter.requestDevice({ requiredLimits, requiredFeatures });
        return new webgpu.WebGPUBackend(device, chosenAdapter.info);
      }, 3);
      return undefined;
    },
    async describe() {
      return adapter ? `GPU adapter: ${adapterName(adapter)} (Dawn)` : "Dawn";
    },
  };
}
