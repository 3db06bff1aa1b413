import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { backendMemory, BackendMemoryError, formatBytes, MEMORY_LIMIT_ENV, parseByteSize, setMemoryLimit, useBackend, WASM_MAX_HEAP_BYTES, wasmHeapUsage } from "./index.js";

afterEach(() => {
  setMemoryLimit(undefined);
  delete process.env[MEMORY_LIMIT_ENV];
});

describe("memory limits", () => {
  it("parses byte counts with units, and rejects anything else", () => {
    expect(parseByteSize("4294967296")).toBe(4294967296);
    expect(parseByteSize("64MiB")).toBe(64 * 2 ** 20);
    expect(parseByteSize("4 GiB")).toBe(4 * 2 ** 30);
    expect(parseByteSize("1.5GB")).toBe(1.5e9);
    for (const bad of ["", "-1", "0", "lots", "4 parsecs", "1e9"]) expect(parseByteSize(bad)).toBeUndefined();
    expect(formatBytes(64 * 2 ** 20)).toBe("64.0 MiB");
  });

  it("wasm: the module's 4 GiB heap cap, tensor bytes held, the heap size; the override and the environment take precedence", async () => {
    await useBackend("wasm");
    const m = backendMemory();
    expect(m).toMatchObject({ backend: "wasm", limitBytes: WASM_MAX_HEAP_BYTES, limitSource: "wasm-heap-max", maxTensorBytes: 2 ** 32 - 1 });
    expect(m.heapBytes).toBeGreaterThanOrEqual(16 * 2 ** 20);
    const t = tf.ones([1000]);
    expect(backendMemory().inUseBytes - m.inUseBytes).toBe(4000);
    t.dispose();
    process.env[MEMORY_LIMIT_ENV] = "64MiB";
    expect(backendMemory()).toMatchObject({ limitBytes: 64 * 2 ** 20, limitSource: "environment" });
    setMemoryLimit(2 ** 40); // never above the module's own cap
    expect(backendMemory()).toMatchObject({ limitBytes: WASM_MAX_HEAP_BYTES, limitSource: "option" });
    setMemoryLimit(undefined);
    process.env[MEMORY_LIMIT_ENV] = "plenty";
    expect(() => backendMemory()).toThrow(/INSEQJS_MEMORY_LIMIT_BYTES="plenty" is not a byte count/);
    expect(() => setMemoryLimit(-5)).toThrow(RangeError);
  });

  it("wasm: the heap guard refuses a ≥ 4 GiB tensor and one over the limit before the module is touched; the backend stays usable", async () => {
    await useBackend("wasm");
    const a = tf.ones([1, 65536, 1]);
    const b = tf.ones([1, 1, 16384]);
    // 65536 × 16384 float32 = 4 GiB: unguarded, the size wraps to 0 in the module's 32-bit malloc
    expect(() => tf.matMul(a, b)).toThrow(BackendMemoryError);
    expect(() => tf.matMul(a, b)).toThrow(/one wasm tensor must stay under 4 GiB/);
    setMemoryLimit(8 * 2 ** 20);
    expect(() => tf.zeros([4 * 2 ** 20])).toThrow(/would pass the memory limit .*limit 8\.0 MiB/);
    setMemoryLimit(undefined);
    expect(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0]).toBe(64);
    tf.dispose([a, b]);
    const usage = wasmHeapUsage()!;
    expect(usage.liveBytes).toBeGreaterThanOrEqual(0);
    expect(usage.heapBytes).toBeGreaterThan(usage.liveBytes);
  });

  it("cpu in Node: the tensors held plus the system's free memory (tensors live outside the V8 heap)", async () => {
    await useBackend("cpu");
    const m = backendMemory();
    expect(m).toMatchObject({ backend: "cpu", limitSource: "system-memory" });
    expect(m.limitBytes).toBeGreaterThan(m.inUseBytes);
    expect(m.heapBytes).toBeUndefined();
  });
});
