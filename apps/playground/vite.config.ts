import { fileURLToPath } from "node:url";
import { defaultClientConditions, defineConfig } from "vite";
import { modelsPlugin } from "./vite/modelsPlugin.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Cross-origin isolation: SharedArrayBuffer (cancel flag, threaded wasm) needs COOP + COEP. */
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  // Relative asset URLs: the static build works from any folder of any static host.
  base: "./",
  // Workspace packages are read from their TypeScript sources (like the tests), so `dev` needs no prior build.
  resolve: { conditions: ["@inseqjs/source", ...defaultClientConditions] },
  worker: { format: "es" },
  plugins: [modelsPlugin(here("../../models"), here("./model-examples.json"))],
  server: { headers: isolation, fs: { allow: [here("../..")] } },
  preview: { headers: isolation },
  build: { target: "es2022", chunkSizeWarningLimit: 4000, outDir: "dist", emptyOutDir: true },
});
