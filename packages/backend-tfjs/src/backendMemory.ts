import * as tf from "@tensorflow/tfjs-core";
import { wasmHeapUsage } from "./backendHealth.js";
import {
  DEFAULT_CPU_MEMORY_LIMIT_BYTES, DEFAULT_GPU_MEMORY_LIMIT_BYTES, MEMORY_LIMIT_ENV, memoryLimitOverride, systemMemoryNow,
  WASM_MAX_HEAP_BYTES, WASM_MAX_TENSOR_BYTES, wasmHeapBytes,
} from "./memoryLimit.js";
import type { MemoryLimitSource } from "./memoryLimit.js";

/** What the active tfjs backend can hold and what it holds now. */
export interface BackendMemory {
  /** `tf.getBackend()`. */
  readonly backend: string;
  /** Total bytes the backend can hold (tensors and everything else it allocates). */
  readonly limitBytes: number;
  readonly limitSource: MemoryLimitSource;
  /**
   * Tensor bytes held now, the weights of loaded models included: on a guarded wasm module each buffer once
   * ({@link wasmHeapUsage}), elsewhere `tf.memory().numBytes`.
   */
  readonly inUseBytes: number;
  /** `limitBytes − inUseBytes`, at least 0. */
  readonly availableBytes: number;
  /** wasm: the module's memory buffer now (it grows, never shrinks; freed blocks are reused). */
  readonly heapBytes?: number;
  /** The largest single tensor the backend accepts, where one is known (wasm: under 4 GiB; WebGPU: `maxStorageBufferBindingSize`; WebGL: the largest texture). */
  readonly maxTensorBytes?: number;
  /** What the limit means on this backend, in a sentence. */
  readonly note: string;
}

interface BackendCap {
  readonly limitBytes: number;
  readonly limitSource: MemoryLimitSource;
  readonly maxTensorBytes?: number;
  readonly note: string;
}

function gpuLimits(): { maxStorageBufferBindingSize?: number; maxBufferSize?: number } | undefined {
  return (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number } } }).device?.limits;
}

/** What the active backend itself can hold, before any override. */
function backendCap(backend: string, inUse: number): BackendCap {
  switch (backend) {
    case "wasm":
      return {
        limitBytes: WASM_MAX_HEAP_BYTES, limitSource: "wasm-heap-max", maxTensorBytes: WASM_MAX_TENSOR_BYTES - 1,
        note: "the wasm module's heap grows up to 4 GiB − 64 KiB (the wasm32 address space); it never shrinks, freed blocks are reused",
      };
    case "webgpu": {
      const limits = gpuLimits();
      const perTensor = limits ? Math.min(limits.maxStorageBufferBindingSize ?? Infinity, limits.maxBufferSize ?? Infinity) : undefined;
      return {
        limitBytes: DEFAULT_GPU_MEMORY_LIMIT_BYTES, limitSource: "default",
        ...(perTensor !== undefined && Number.isFinite(perTensor) ? { maxTensorBytes: perTensor } : {}),
        note: "WebGPU reports no total GPU memory, only the largest buffer (maxStorageBufferBindingSize); the total is a default",
      };
    }
    case "webgl": {
      const size = tf.env().getNumber("WEBGL_MAX_TEXTURE_SIZE");
      return {
        limitBytes: DEFAULT_GPU_MEMORY_LIMIT_BYTES, limitSource: "default",
        ...(Number.isFinite(size) && size > 0 ? { maxTensorBytes: size * size * 16 } : {}),
        note: "WebGL reports no GPU memory, only the largest texture (WEBGL_MAX_TEXTURE_SIZE², 4 float32 per texel); the total is a default",
      };
    }
    default: {
      // cpu, tensorflow (tfjs-node): tensors are ArrayBuffers / native buffers outside the V8 heap, so
      // heap_size_limit does not bound them; what bounds them is the machine's memory.
      const system = systemMemoryNow();
      if (system) {
        return {
          limitBytes: inUse + system.freeBytes, limitSource: "system-memory",
          note: "tensors live outside the V8 heap (ArrayBuffers), so the limit is the tensor bytes held now plus the system's free memory",
        };
      }
      const heapLimit = typeof performance === "object" ? (performance as unknown as { memory?: { jsHeapSizeLimit?: number } }).memory?.jsHeapSizeLimit : undefined;
      if (heapLimit) return { limitBytes: heapLimit, limitSource: "js-heap-limit", note: "the browser's JS heap limit (performance.memory.jsHeapSizeLimit)" };
      return { limitBytes: DEFAULT_CPU_MEMORY_LIMIT_BYTES, limitSource: "default", note: "the browser reports no memory limit; the limit is a default" };
    }
  }
}

/**
 * What the active tfjs backend can hold ({@link BackendMemory.limitBytes}) and holds now. The limit per backend:
 * wasm {@link WASM_MAX_HEAP_BYTES}; cpu / tensorflow in Node the tensor bytes held plus `os.freemem()`; webgl /
 * webgpu {@link DEFAULT_GPU_MEMORY_LIMIT_BYTES}; a user's {@link setMemoryLimit} / {@link MEMORY_LIMIT_ENV} replaces
 * any of them (on wasm it cannot exceed the module's cap).
 */
export function backendMemory(): BackendMemory {
  const backend = tf.getBackend();
  // wasm: each buffer once (tf.memory().numBytes counts every tensor object, shared buffers twice)
  const inUseBytes = wasmHeapUsage()?.liveBytes ?? tf.memory().numBytes;
  const cap = backendCap(backend, inUseBytes);
  const override = memoryLimitOverride();
  const limitBytes = override ? (backend === "wasm" ? Math.min(override.bytes, WASM_MAX_HEAP_BYTES) : override.bytes) : cap.limitBytes;
  const heapBytes = wasmHeapBytes();
  return {
    backend,
    limitBytes,
    limitSource: override?.source ?? cap.limitSource,
    inUseBytes,
    availableBytes: Math.max(0, limitBytes - inUseBytes),
    ...(heapBytes !== undefined ? { heapBytes } : {}),
    ...(cap.maxTensorBytes !== undefined ? { maxTensorBytes: cap.maxTensorBytes } : {}),
    note: override ? `limit set by ${override.source === "option" ? "setMemoryLimit" : MEMORY_LIMIT_ENV}; ${cap.note}` : cap.note,
  };
}
