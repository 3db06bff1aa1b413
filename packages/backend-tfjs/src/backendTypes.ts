/** Compute backends inseq.js can run on (`tensorflow` is the native backend of `@tensorflow/tfjs-node`). */
export type BackendName = "tensorflow" | "webgpu" | "webgl" | "wasm" | "cpu";

/** The backends a user can ask {@link useBackend} for. */
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "webgpu", "webgl", "wasm", "cpu"];

/** One backend that was not used, and why. */
export interface SkippedBackend {
  readonly backend: BackendName;
  readonly reason: string;
}

/** Which backend was chosen and why. */
export interface BackendChoice {
  readonly backend: BackendName;
  /** Why this backend: requested, first available in the fallback chain, already active; plus what it runs on. */
  readonly reason: string;
  /** Backends tried before this one, with the reason each was skipped. */
  readonly skipped: readonly SkippedBackend[];
}

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * Where the wasm backend finds its `.wasm` binaries in a browser bundle: a folder URL ending in `/`, or a map from
   * file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`) to
   * URL (e.g. Vite `?url` imports). Not needed in Node. Applied before the wasm backend first initialises.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /**
   * Browsers: allow the multi-threaded wasm build on cross-origin-isolated pages (default false). tfjs starts its
   * threads from the source text of a bundled function, which minifying bundlers break ("e is not defined"), so
   * turn this on only when the tfjs wasm module is not minified. Node never uses threads.
   */
  readonly wasmThreads?: boolean;
}

/**
 * One entry of a fallback chain: `prepare` imports and registers what the backend needs and returns `undefined`
 * when it can be initialised, or the reason it cannot (the chain then moves on).
 */
export interface BackendCandidate {
  readonly backend: BackendName;
  prepare(options: UseBackendOptions): Promise<string | undefined>;
  /** What the initialised backend runs on (SIMD and threads, GPU adapter...), appended to the reason. */
  describe?(): Promise<string>;
}

/** Loads a module by specifier (`import()`); replaced by a mock in tests. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;
