import { createReadStream, readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import type { Plugin } from "vite";
import { buildModelManifest } from "./modelManifest.js";

const MIME: Record<string, string> = { ".json": "application/json", ".safetensors": "application/octet-stream", ".txt": "text/plain" };

/**
 * Serves the repository's `models/` folder as static files under `models/` with a generated `models/manifest.json`
 * (dev server), and copies them into the build output (static build).
 */
export function modelsPlugin(modelsDir: string, examplesFile: string): Plugin {
  return {
    name: "inseqjs-models",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? "").split("?")[0]);
        const m = /^\/models\/(.*)$/.exec(url);
        if (!m) return next();
        if (m[1] === "manifest.json") {
          res.setHeader("Content-Type", "application/json");
          res.end(JSON.stringify(buildModelManifest(modelsDir, examplesFile)));
          return;
        }
        const file = normalize(join(modelsDir, m[1]));
        if (!file.startsWith(modelsDir) || m[1].split("/").some((p) => p.startsWith("."))) return next();
        const ext = /\.[^.]+$/.exec(file)?.[0] ?? "";
        const stream = createReadStream(file);
        stream.on("open", () => res.setHeader("Content-Type", MIME[ext] ?? "application/octet-stream"));
        stream.on("error", () => { res.statusCode = 404; res.end("not found"); });
        stream.pipe(res);
      });
    },
    generateBundle() {
      const manifest = buildModelManifest(modelsDir, examplesFile);
      this.emitFile({ type: "asset", fileName: "models/manifest.json", source: JSON.stringify(manifest, null, 2) });
      for (const model of manifest) {
        for (const f of model.files) {
          this.emitFile({ type: "asset", fileName: `models/${model.name}/${f}`, source: readFileSync(join(modelsDir, model.name, f)) });
        }
      }
    },
  };
}
