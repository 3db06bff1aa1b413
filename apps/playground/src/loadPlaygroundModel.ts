import type { TransformersModel } from "@inseqjs/transformers";
import { loadTransformersModel, memoryModelFiles, urlModelFiles } from "@inseqjs/transformers";
import type { ModelSource } from "./protocol.js";

/** Loads the model a {@link ModelSource} names: static files served with the page, picked files, or the hub. */
export async function loadPlaygroundModel(source: ModelSource): Promise<TransformersModel> {
  switch (source.kind) {
    case "url":
      return loadTransformersModel(source.name, { files: urlModelFiles(source.url) });
    case "files":
      return loadTransformersModel(source.name, { files: memoryModelFiles(source.files, `folder ${source.name}`) });
    case "hub":
      return loadTransformersModel(source.name);
  }
}

/** A cache key of a model source on a backend (weights live on one backend, so a backend change reloads). */
export function modelKey(source: ModelSource, backend: string): string {
  const files = source.kind === "files" ? Object.entries(source.files).map(([k, v]) => `${k}:${v.byteLength}`).join(",") : "";
  return `${backend}|${source.kind}|${source.name}|${source.kind === "url" ? source.url : ""}|${files}`;
}
