import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { BackendUnavailableError, fallbackChain, useBackend, type BackendName } from "./index.js";

describe("useBackend in Node", () => {
  afterAll(async () => {
    await useBackend("cpu");
  });

  it("tries tfjs-node, Dawn WebGPU, wasm, cpu in that order", () => {
    expect(fallbackChain()).toEqual(["tensorflow", "webgpu", "wasm", "cpu"]);
  });

  it("auto picks wasm here and says why the others were skipped", async () => {
    const choice = await useBackend("auto");
    expect(choice.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(choice.reason).toMatch(/first available in the Node fallback chain \(tensorflow → webgpu → wasm → cpu\); SIMD yes, 1 thread/);
    expect(choice.skipped.map((s) => s.backend)).toEqual(["tensorflow", "webgpu"]);
    expect(choice.skipped[0].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(choice.skipped[1].reason).toMatch(/"webgpu" package \(Dawn\) is not installed/);
  });

  it("a named backend is requested alone", async () => {
    const choice = await useBackend("cpu");
    expect(choice).toEqual({ backend: "cpu", reason: "requested; plain JavaScript kernels", skipped: [] });
    expect((await useBackend("cpu")).reason).toMatch(/^already active/);
  });

  it("a browser-only or unknown backend throws a typed error naming the fix", async () => {
    const err = await useBackend("webgl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).code).toBe("BACKEND_UNAVAILABLE");
    expect((err as Error).message).toMatch(/webgl backend is not available in Node .*useBackend\("auto"\)/);
    await expect(useBackend("gpu" as BackendName)).rejects.toThrow(/Unknown backend "gpu"; use "auto", "tensorflow"/);
    const tfNode = await useBackend("tensorflow").catch((e: unknown) => e);
    expect((tfNode as BackendUnavailableError).skipped[0].reason).toMatch(/not installed/);
  });

  it("switches back to wasm; wasmPaths that come after wasm started are refused with the fix", async () => {
    await useBackend("wasm");
    await useBackend("cpu");
    expect((await useBackend("wasm")).reason).toMatch(/^requested; SIMD yes/);
    await useBackend("cpu");
    const err = (await useBackend("wasm", { wasmPaths: "https://cdn.example/wasm/" }).catch((e: unknown) => e)) as BackendUnavailableError;
    expect(err.skipped).toEqual([{ backend: "wasm", reason: "other wasmPaths given after the wasm backend was initialised; pass them to the first useBackend call" }]);
    expect(tf.getBackend()).toBe("cpu");
  });

  it("gradients work on both Node backends after importing the package", async () => {
    for (const backend of ["cpu", "wasm"] as const) {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)))(tf.tensor1d([1, 2, 3])));
      expect(Array.from(await g.data())).toEqual([2, 4, 6]);
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
