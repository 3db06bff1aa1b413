import * as tf from "@tensorflow/tfjs-core";

/** Environment variable that overrides the memory limit of every backend: a byte count (`4294967296`) or `512MiB`, `4GiB`, `1.5GB`. */
export const MEMORY_LIMIT_ENV = "INSEQJS_MEMORY_LIMIT_BYTES";

/**
 * The most memory the tfjs-backend-wasm 4.22 module can hold: emscripten's `getHeapMax()` of its build
 * (`ALLOW_MEMORY_GROWTH`, maximum 65535 pages of 64 KiB = 4 GiB − 64 KiB, the whole wasm32 address space).
 * Measured: 256 MiB tensors allocate up to 3840 MiB of tensors (heap 3936 MiB), the next one fails; one 2.5 GiB
 * tensor works (pointers above 2 GiB are handled).
 */
export const WASM_MAX_HEAP_BYTES = 4294901760;

/**
 * The largest single wasm tensor plus one: tfjs passes a tensor's byte size to the module's 32-bit `malloc`, so a
 * tensor of 4 GiB or more wraps around (a tiny allocation that the kernel then overruns: `memory access out of
 * bounds`). {@link guardWasmHeap} refuses such allocations before they reach the module.
 */
export const WASM_MAX_TENSOR_BYTES = 2 ** 32;

/**
 * Memory limit assumed for `webgl` and `webgpu`, whose total GPU memory no API reports (WebGPU only bounds one
 * buffer: `maxBufferSize`, `maxStorageBufferBindingSize`). Override it with {@link setMemoryLimit} or
 * {@link MEMORY_LIMIT_ENV} on a GPU with more (or less) memory.
 */
export const DEFAULT_GPU_MEMORY_LIMIT_BYTES = 4 * 2 ** 30;

/** Memory limit assumed for the `cpu` backend where neither the system memory nor a JS heap limit is known (browsers without `performance.memory`). */
export const DEFAULT_CPU_MEMORY_LIMIT_BYTES = 2 * 2 ** 30;

/** Where a {@link BackendMemory} limit comes from. */
export type MemoryLimitSource =
  /** {@link setMemoryLimit}. */
  | "option"
  /** {@link MEMORY_LIMIT_ENV}. */
  | "environment"
  /** {@link WASM_MAX_HEAP_BYTES}. */
  | "wasm-heap-max"
  /** Node `cpu` / `tensorflow`: tensor bytes held now + the system's free memory (`os.freemem()`). */
  | "system-memory"
  /** Browser `cpu`: Chrome's `performance.memory.jsHeapSizeLimit`. */
  | "js-heap-limit"
  /** {@link DEFAULT_GPU_MEMORY_LIMIT_BYTES} or {@link DEFAULT_CPU_MEMORY_LIMIT_BYTES}. */
  | "default";

let optionLimit: number | undefined;
let systemMemory: (() => { readonly freeBytes: number; readonly totalBytes: number }) | undefined;

/** The Node entry hands in `os.freemem` / `os.totalmem` (browsers have neither). @internal */
export function provideSystemMemory(read: () => { readonly freeBytes: number; readonly totalBytes: number }): void {
  systemMemory = read;
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** Bytes of `512MiB`, `4GiB`, `1.5GB`, `4294967296`; `undefined` when `text` is no positive byte count. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return bytes > 0 && Number.isFinite(bytes) ? bytes : undefined;
}

/** `1.50 GiB`, `64.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (abs >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (abs >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/**
 * Sets the memory limit of every backend (bytes), taking precedence over {@link MEMORY_LIMIT_ENV} and the
 * backend's own cap; `undefined` restores them. On wasm the guard of {@link guardWasmHeap} enforces it too, so a
 * lowered limit behaves like a smaller machine. Throws `RangeError` on a non-positive or non-finite value.
 */
export function setMemoryLimit(bytes: number | undefined): void {
  if (bytes !== undefined && !(Number.isFinite(bytes) && bytes > 0)) throw new RangeError(`setMemoryLimit: expected a positive number of bytes, got ${bytes}.`);
  optionLimit = bytes;
}

/**
 * The user's limit: {@link setMemoryLimit}, else {@link MEMORY_LIMIT_ENV}; `undefined` when neither is set.
 * Throws `RangeError` naming the variable when it is set to something that is no byte count.
 */
export function memoryLimitOverride(): { readonly bytes: number; readonly source: "option" | "environment" } | undefined {
  if (optionLimit !== undefined) return { bytes: optionLimit, source: "option" };
  const raw = typeof process === "object" ? process.env?.[MEMORY_LIMIT_ENV] : undefined;
  if (raw === undefined || raw === "") return undefined;
  const bytes = parseByteSize(raw);
  if (bytes === undefined) throw new RangeError(`${MEMORY_LIMIT_ENV}=${JSON.stringify(raw)} is not a byte count; use e.g. 4294967296, 512MiB or 4GiB.`);
  return { bytes, source: "environment" };
}

/** The wasm module of the active backend (`undefined` on other backends). @internal */
export function wasmModule(): { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void; onAbort?: (what: unknown) => void } | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  return (tf.backend() as unknown as { wasm?: ReturnType<typeof wasmModule> }).wasm ?? undefined;
}

/** wasm: the module's memory buffer size now (bytes); `undefined` on other backends. */
export function wasmHeapBytes(): number | undefined {
  return wasmModule()?.HEAPU8.buffer.byteLength;
}

/** The system's memory now, where the platform reports it (Node). @internal */
export function systemMemoryNow(): { readonly freeBytes: number; readonly totalBytes: number } | undefined {
  return systemMemory?.();
}
