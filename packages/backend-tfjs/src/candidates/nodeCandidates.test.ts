import * as tf from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { afterEach, describe, expect, it } from "vitest";
import "../index.js";
import { useBackend } from "../index.js";
import { selectBackend } from "../selectBackend.js";
import { cpuCandidate } from "./cpuCandidate.js";
import { nodeWebGpuCandidate } from "./nodeWebGpuCandidate.js";
import { tfjsNodeCandidate } from "./tfjsNodeCandidate.js";
import { wasmCandidate } from "./wasmCandidate.js";

const notFound = (specifier: string) => Object.assign(new Error(`Cannot find package '${specifier}' imported from /x.js`), { code: "ERR_MODULE_NOT_FOUND" });

/** A mocked `@tensorflow/tfjs-node`: importing it registers the `tensorflow` backend, as the real one does. */
const mockTfjsNode = async (specifier: string) => {
  if (specifier !== "@tensorflow/tfjs-node") throw notFound(specifier);
  tf.registerBackend("tensorflow", () => new MathBackendCPU(), 3);
  return { version: { "tfjs-node": "4.22.0" } };
};

const adapter = (over: Record<string, unknown> = {}) => ({
  info: { vendor: "nvidia", architecture: "ampere", device: "", description: "", type: "discrete GPU" },
  isFallbackAdapter: false,
  limits: { maxBufferSize: 1 << 30 },
  features: new Set<string>(),
  requestDevice: async () => ({}),
  ...over,
});
const mockDawn = (found: unknown) => async (specifier: string) => {
  if (specifier === "webgpu") return { globals: {}, create: () => ({ requestAdapter: async () => found }) };
  if (specifier === "@tensorflow/tfjs-backend-webgpu") return { WebGPUBackend: class {} };
  throw notFound(specifier);
};

describe("Node candidates (mocked optional packages)", () => {
  const hadNavigator = "navigator" in globalThis;
  afterEach(async () => {
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!hadNavigator) delete g.navigator; // the Dawn candidate defines navigator.gpu for tfjs
    else if (g.navigator) delete g.navigator.gpu;
    await useBackend("cpu");
    for (const name of ["tensorflow", "webgpu"]) if (tf.findBackendFactory(name) !== null) tf.removeBackend(name);
  });

  it("auto picks @tensorflow/tfjs-node when it is installed", async () => {
    const chain = [tfjsNodeCandidate(mockTfjsNode), nodeWebGpuCandidate(mockTfjsNode), wasmCandidate(false), cpuCandidate()];
    const choice = await selectBackend("auto", {}, chain, "Node");
    expect(choice.backend).toBe("tensorflow");
    expect(tf.getBackend()).toBe("tensorflow");
    expect(choice.reason).toMatch(/first available .*native TensorFlow through @tensorflow\/tfjs-node/);
    expect(choice.skipped).toEqual([]);
  });

  it("tfjs-node missing, broken, or registered on another tfjs-core copy: skipped with the fix", async () => {
    expect(await tfjsNodeCandidate(async (s) => { throw notFound(s); }).prepare({})).toMatch(/not installed \(optional: npm i @tensorflow\/tfjs-node@4\.22\.0/);
    expect(await tfjsNodeCandidate(async () => { throw new Error("libtensorflow.so.2: cannot open shared object file"); }).prepare({})).toMatch(/installed but failed to load: libtensorflow/);
    expect(await tfjsNodeCandidate(async () => ({ version: { "tfjs-node": "4.20.0" } })).prepare({})).toMatch(/\(4\.20\.0\) registered its backend on another copy .*install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it("without tfjs-node, auto falls through Dawn to wasm and reports both reasons", async () => {
    const choice = await selectBackend("auto", {}, [tfjsNodeCandidate(mockDawn(null)), nodeWebGpuCandidate(mockDawn(null)), wasmCandidate(false), cpuCandidate()], "Node");
    expect(choice.backend).toBe("wasm");
    expect(choice.skipped).toEqual([
      { backend: "tensorflow", reason: expect.stringMatching(/not installed/) },
      { backend: "webgpu", reason: "Dawn found no GPU adapter (no GPU, or no Vulkan/Metal/D3D12 driver)" },
    ]);
  });

  it("Dawn: skips a software adapter, registers webgpu on a hardware one", async () => {
    expect(await nodeWebGpuCandidate(mockDawn(adapter({ isFallbackAdapter: true, info: { vendor: "google", architecture: "swiftshader" } }))).prepare({})).toMatch(/only a software adapter \(google swiftshader\)/);
    expect(await nodeWebGpuCandidate(mockDawn(adapter({ info: { vendor: "google", architecture: "swiftshader", isFallbackAdapter: true } }))).prepare({})).toMatch(/only a software adapter/);
    expect(await nodeWebGpuCandidate(async (s) => { throw notFound(s); }).prepare({})).toMatch(/"webgpu" package \(Dawn\) is not installed/);
    const gpu = nodeWebGpuCandidate(mockDawn(adapter()));
    expect(await gpu.prepare({})).toBeUndefined();
    expect(tf.findBackendFactory("webgpu")).not.toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeDefined();
    expect(await gpu.describe!()).toBe("GPU adapter: nvidia ampere (Dawn)");
  });

  it("a named backend that cannot start lists why", async () => {
    await expect(selectBackend("webgpu", {}, [nodeWebGpuCandidate(mockDawn(null)), cpuCandidate()], "Node")).rejects.toThrow(
      /No tfjs backend could be initialised \(webgpu: Dawn found no GPU adapter.*\)\. Use useBackend\("auto"\)/,
    );
  });
});
