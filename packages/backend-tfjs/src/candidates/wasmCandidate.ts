import * as tf from "@tensorflow/tfjs-core";
import type { BackendCandidate, UseBackendOptions } from "../backendTypes.js";
import { shareWasmIdentity } from "./wasmSharedIdentity.js";

type WasmModule = typeof import("@tensorflow/tfjs-backend-wasm");

let appliedPaths: UseBackendOptions["wasmPaths"];

/**
 * The wasm backend (SIMD kernels, about 35× the cpu backend). In Node it reads its `.wasm` files from its own
 * package; in a browser bundle they are found next to the bundle unless `wasmPaths` says where (see the README).
 */
export function wasmCandidate(isBrowser: boolean): BackendCandidate {
  let wasm: WasmModule | undefined;
  return {
    backend: "wasm",
    async prepare(options) {
      if (typeof WebAssembly !== "object") return "WebAssembly is not available in this environment";
      wasm = await import("@tensorflow/tfjs-backend-wasm");
      shareWasmIdentity();
      if (isBrowser && tf.engine().registry.wasm === undefined) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", options.wasmThreads === true && (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")));
      if (options.wasmPaths !== undefined && JSON.stringify(options.wasmPaths) !== JSON.stringify(appliedPaths)) {
        if (tf.engine().registry.wasm !== undefined) {
          return "other wasmPaths given after the wasm backend was initialised; pass them to the first useBackend call";
        }
        wasm.setWasmPaths(options.wasmPaths as string | Record<string, string>);
        appliedPaths = options.wasmPaths;
      }
      return undefined;
    },
    async describe() {
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const threads = wasm?.getThreadsCount?.() ?? 1;
      const where = isBrowser && appliedPaths === undefined ? "; .wasm files served next to the bundle" : "";
      return `SIMD ${simd ? "yes" : "no"}, ${threads} thread${threads === 1 ? "" : "s"}${where}`;
    },
  };
}
