import * as tf from "@tensorflow/tfjs-core";
import { formatBytes, memoryLimitOverride, WASM_MAX_HEAP_BYTES, WASM_MAX_TENSOR_BYTES, wasmModule } from "./memoryLimit.js";

/**
 * Thrown by the wasm heap guard ({@link guardWasmHeap}) when a tensor allocation cannot succeed: the request would
 * pass the memory limit, is 4 GiB or more (it would wrap around in the module's 32-bit `malloc`), or `malloc`
 * returned null. It is thrown *before* the module is touched, so the backend stays usable (`recoverable`): free
 * tensors or run a smaller request. (`@inseqjs/backend-tfjs` sits below core: its own class, stable `code`.)
 */
export class BackendMemoryError extends Error {
  readonly code = "OUT_OF_MEMORY" as const;
  readonly recoverable = true;
  constructor(message: string, readonly backend: string, readonly requestedBytes: number, readonly inUseBytes: number, readonly limitBytes: number) {
    super(message);
    this.name = "BackendMemoryError";
  }
}

/** A fatal failure of a backend instance: after it, nothing computed on that instance can be trusted. */
export interface BackendFailure {
  readonly backend: string;
  /** The error that broke it (an emscripten `RuntimeError`: `Aborted()`, `memory access out of bounds`...). */
  readonly error: unknown;
}

const failures = new WeakMap<object, BackendFailure>();
let guardEnabled = true;

/** The engine's instance of the active backend (the object that holds the tensors). */
export function activeBackendInstance(): object {
  return tf.backend();
}

/**
 * Records that `instance` (default: the active backend) failed fatally; later {@link backendFailure} calls report it,
 * and disposing its tensors only updates tfjs's bookkeeping from now on.
 */
export function markBackendFailed(error: unknown, instance: object = tf.backend()): void {
  if (failures.has(instance)) return;
  failures.set(instance, { backend: backendNameOf(instance) ?? tf.getBackend(), error });
  // Its tensors are lost: disposing them (a broken model's dispose) must not call into the dead module again.
  (instance as { disposeData?: (dataId: object) => boolean }).disposeData = () => true;
}

/** The fatal failure recorded for `instance` (default: the active backend), if any. */
export function backendFailure(instance: object = tf.backend()): BackendFailure | undefined {
  return failures.get(instance);
}

/** Whether `instance` is still the engine's backend of its name (not removed or re-created by {@link resetBackend}). */
export function isBackendInstanceCurrent(instance: object): boolean {
  return backendNameOf(instance) !== undefined;
}

function backendNameOf(instance: object): string | undefined {
  const registry = tf.engine().registry as Record<string, object>;
  return Object.keys(registry).find((name) => registry[name] === instance);
}

/**
 * Turns the heap guard of {@link guardWasmHeap} on or off (default on), for the wasm modules guarded from now on
 * and those guarded already. Off is for tests that must reach the module's own failure modes.
 */
export function setWasmHeapGuard(enabled: boolean): void {
  guardEnabled = enabled;
}

/** Bytes the guarded wasm module holds for tfjs (see {@link wasmHeapUsage}). */
export interface WasmHeapUsage {
  /** Tensor buffers allocated through the guard and not freed yet, plus {@link untrackedBytes}. */
  readonly liveBytes: number;
  /** High-water mark of `liveBytes` since the guard was installed or {@link resetWasmPeak} was called. */
  readonly peakBytes: number;
  /**
   * Tensor bytes that existed when the guard was installed (`tf.memory().numBytes` then) and may still be alive,
   * counted as live: at most what `tf.memory().numBytes` still holds beyond the tracked buffers. 0 when the guard
   * was installed by `useBackend` (before any tensor).
   */
  readonly untrackedBytes: number;
  /** The module's memory buffer now. */
  readonly heapBytes: number;
  /** With `resetWasmPeak({ recordBuffers: true })`: the byte sizes of the buffers alive at the peak, largest first. */
  readonly peakBuffers?: readonly number[];
}

interface GuardState {
  raw: (n: number) => number;
  rawFree: (p: number) => void;
  readonly sizes: Map<number, number>;
  /** Bytes of the tracked buffers alive. */
  live: number;
  peak: number;
  readonly untracked: number;
  /** When set, the sizes of the live buffers at the latest peak (diagnostics: what a pass holds at its worst). */
  peakBuffers?: number[];
}

const guards = new WeakMap<object, GuardState>();

/** Pre-guard tensor bytes that may still be alive: what `tf.memory().numBytes` holds beyond the tracked buffers. */
function untrackedNow(state: GuardState): number {
  if (state.untracked === 0) return 0;
  const numBytes = (tf.engine() as unknown as { state: { numBytes: number } }).state.numBytes;
  return Math.min(state.untracked, Math.max(0, numBytes - state.live));
}

/** Bytes the module holds for tensors: tracked buffers plus the pre-guard ones still alive. */
function held(state: GuardState): number {
  return state.live + untrackedNow(state);
}

/**
 * Installs, once per wasm module, (1) a guard in front of the `malloc` that tfjs calls for every tensor buffer: a
 * request that would exceed the memory limit (the user's {@link setMemoryLimit} / `INSEQJS_MEMORY_LIMIT_BYTES`, else
 * {@link WASM_MAX_HEAP_BYTES}), that is 4 GiB or more, or that `malloc` cannot satisfy (null) throws
 * {@link BackendMemoryError} before the module writes anywhere — unguarded, tfjs would use the null or wrapped
 * pointer, corrupt the module and die later of `memory access out of bounds` or `Aborted()`; (2) byte accounting of
 * the buffers (`tf.memory().numBytes` counts every tensor object, so reshapes and the copies saved for a backward
 * are counted twice: {@link wasmHeapUsage} counts each buffer once); and (3) an `onAbort` hook that records an
 * emscripten abort as a {@link backendFailure} (after `Aborted()`, every later call into the module fails).
 * Idempotent; no-op off wasm. Models call it when they are created.
 */
export function guardWasmHeap(): void {
  const mod = wasmModule() as (Record<string, unknown> & { onAbort?: (what: unknown) => void }) | undefined;
  if (!mod || guards.has(mod)) return;
  const instance = tf.backend();
  const state: GuardState = {
    raw: mod._malloc as (n: number) => number,
    rawFree: mod._free as (p: number) => void,
    sizes: new Map(),
    live: 0,
    peak: 0,
    untracked: tf.memory().numBytes,
  };
  guards.set(mod, state);
  const previousOnAbort = mod.onAbort;
  mod.onAbort = (what: unknown) => {
    markBackendFailed(new Error(`the wasm module aborted: Aborted(${what === undefined ? "" : String(what)})`), instance);
    previousOnAbort?.(what);
  };
  const malloc = (n: number): number => {
    if (guardEnabled) {
      const override = memoryLimitOverride();
      const limit = Math.min(override?.bytes ?? WASM_MAX_HEAP_BYTES, WASM_MAX_HEAP_BYTES);
      const refuse = (why: string) =>
        new BackendMemoryError(`wasm: cannot allocate a tensor of ${formatBytes(n)}: ${why} (${formatBytes(held(state))} held, limit ${formatBytes(limit)}).`, "wasm", n, held(state), limit);
      if (n >= WASM_MAX_TENSOR_BYTES) throw refuse("one wasm tensor must stay under 4 GiB");
      if (held(state) + n > limit) throw refuse("it would pass the memory limit");
      const p = state.raw(n);
      if (p === 0 && n > 0) throw refuse("the module's heap is exhausted (malloc returned null)");
      track(p, n);
      return p;
    }
    const p = state.raw(n);
    if (p !== 0) track(p, n);
    return p;
  };
  const track = (p: number, n: number) => {
    state.sizes.set(p >>> 0, n);
    state.live += n;
    if (held(state) > state.peak) {
      state.peak = held(state);
      if (state.peakBuffers) state.peakBuffers = [...state.sizes.values()];
    }
  };
  const free = (p: number): void => {
    state.rawFree(p);
    const n = state.sizes.get(p >>> 0);
    if (n !== undefined) {
      state.sizes.delete(p >>> 0);
      state.live -= n;
    }
  };
  // emscripten's export wrappers replace Module._malloc / _free by the raw exports on their first call: keep the
  // guard in front through properties whose setters store that replacement.
  Object.defineProperty(mod, "_malloc", { configurable: true, enumerable: true, get: () => malloc, set: (f: (n: number) => number) => { state.raw = f; } });
  Object.defineProperty(mod, "_free", { configurable: true, enumerable: true, get: () => free, set: (f: (p: number) => void) => { state.rawFree = f; } });
}

/** Bytes the active wasm module holds for tfjs, each buffer counted once; `undefined` off wasm or before {@link guardWasmHeap}. */
export function wasmHeapUsage(): WasmHeapUsage | undefined {
  const mod = wasmModule();
  const state = mod && guards.get(mod);
  if (!mod || !state) return undefined;
  const peakBuffers = state.peakBuffers && [...state.peakBuffers].sort((a, b) => b - a);
  return { liveBytes: held(state), peakBytes: state.peak, untrackedBytes: untrackedNow(state), heapBytes: mod.HEAPU8.buffer.byteLength, ...(peakBuffers ? { peakBuffers } : {}) };
}

/**
 * Restarts the high-water mark of {@link wasmHeapUsage} at the bytes held now (to measure one pass). With
 * `recordBuffers`, the sizes of the buffers alive at the peak are recorded too (slow: diagnostics only).
 */
export function resetWasmPeak(options: { readonly recordBuffers?: boolean } = {}): void {
  const mod = wasmModule();
  const state = mod && guards.get(mod);
  if (!state) return;
  state.peak = held(state);
  state.peakBuffers = options.recordBuffers ? [...state.sizes.values()] : undefined;
}

/**
 * Re-creates the backend `name` (default: the active one) from its registered factory — `tf.removeBackend`, the
 * same factory registered again, `tf.setBackend` — and guards it again. A wasm module that aborted cannot be revived
 * (emscripten refuses every later call); a new module can. Every tensor of the old instance is lost: models loaded
 * before must be loaded again. Resolves to whether the new backend initialised.
 */
export async function resetBackend(name: string = tf.getBackend()): Promise<boolean> {
  const engine = tf.engine() as unknown as {
    registry: Record<string, { disposeData(dataId: object): boolean; dispose(): void }>;
    registryFactory: Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number }>;
    backendName: string | null;
    backendInstance: unknown;
    pendingBackendInit: unknown;
  };
  const entry = engine.registryFactory[name];
  if (!entry) return false;
  const old = engine.registry[name];
  if (old) {
    // Its tensors are lost with it: disposing them later (a model's dispose) only updates tfjs's bookkeeping, and
    // disposing the instance cannot call into a module that aborted.
    const disposeInstance = old.dispose.bind(old);
    old.disposeData = () => true;
    old.dispose = () => {
      try {
        disposeInstance();
      } catch {
        // an aborted module refuses even its own teardown
      }
    };
  }
  try {
    tf.removeBackend(name);
  } catch {
    delete engine.registry[name];
    delete engine.registryFactory[name];
    if (engine.backendName === name) {
      engine.backendName = null;
      engine.backendInstance = null;
      engine.pendingBackendInit = null;
    }
  }
  tf.registerBackend(name, entry.factory, entry.priority);
  const ok = await tf.setBackend(name);
  if (ok) {
    await tf.ready();
    guardWasmHeap();
  }
  return ok;
}
