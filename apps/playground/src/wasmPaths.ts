// The wasm backend's binaries as bundled assets: Vite copies each file into the build and gives its URL, so the
// wasm backend finds them wherever the page is hosted (README, "Bundlers").
import wasmPlain from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedSimd from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url";

/** `useBackend(..., { wasmPaths })` for this bundle: absolute URLs of the three wasm binaries. */
export function wasmPaths(base: string): Record<string, string> {
  const abs = (u: string) => new URL(u, base).href;
  return {
    "tfjs-backend-wasm.wasm": abs(wasmPlain),
    "tfjs-backend-wasm-simd.wasm": abs(wasmSimd),
    "tfjs-backend-wasm-threaded-simd.wasm": abs(wasmThreadedSimd),
  };
}
