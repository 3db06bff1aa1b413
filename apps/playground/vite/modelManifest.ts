import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ModelEntry } from "../src/protocol.js";

/** Example texts and labels by model folder name (`apps/playground/model-examples.json`). */
type Examples = Record<string, Partial<Pick<ModelEntry, "label" | "inputTexts" | "generatedTexts">>>;

/** Files of one model folder that the page may fetch (top level only; no hidden files). */
export function modelFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => !f.startsWith(".") && statSync(join(folder, f)).isFile());
}

/**
 * The model list of the playground, built from the folders of `modelsDir` that hold a `config.json` (so a model
 * added to `models/` appears without code changes), with labels and example texts from `examplesFile`.
 */
export function buildModelManifest(modelsDir: string, examplesFile: string): ModelEntry[] {
  const examples: Examples = existsSync(examplesFile) ? JSON.parse(readFileSync(examplesFile, "utf8")) : {};
  return readdirSync(modelsDir)
    .filter((name) => existsSync(join(modelsDir, name, "config.json")))
    .sort()
    .map((name) => {
      const config = JSON.parse(readFileSync(join(modelsDir, name, "config.json"), "utf8")) as { model_type?: string; is_encoder_decoder?: boolean };
      const ex = examples[name] ?? {};
      return {
        name,
        path: `models/${name}/`,
        modelType: config.model_type ?? "unknown",
        isEncoderDecoder: !!config.is_encoder_decoder,
        label: ex.label ?? name,
        inputTexts: ex.inputTexts ?? ["the cat sat on"],
        generatedTexts: ex.generatedTexts ?? [],
        files: modelFiles(join(modelsDir, name)),
      };
    });
}
