import * as tf from "@tensorflow/tfjs-core";
import type { BackendCandidate, ModuleImporter } from "../backendTypes.js";
import { errorMessage } from "../errorMessage.js";
import { defaultImporter, isModuleNotFound } from "./defaultImporter.js";

const SPECIFIER = "@tensorflow/tfjs-node";

/**
 * The native TensorFlow backend of `@tensorflow/tfjs-node`, when the user installed it (optional peer dependency,
 * imported dynamically). Its import registers the `tensorflow` backend on the shared tfjs-core; when it registered
 * on another copy (a different tfjs version) the candidate is skipped with the fix.
 */
export function tfjsNodeCandidate(importer: ModuleImporter = defaultImporter): BackendCandidate {
  return {
    backend: "tensorflow",
    async prepare() {
      if (tf.findBackendFactory("tensorflow") !== null) return undefined;
      let mod: { version?: { "tfjs-node"?: string } } | undefined;
      try {
        mod = (await importer(SPECIFIER)) as typeof mod;
      } catch (e) {
        if (isModuleNotFound(e, SPECIFIER)) return `${SPECIFIER} is not installed (optional: npm i ${SPECIFIER}@${tf.version_core} for native speed)`;
        return `${SPECIFIER} is installed but failed to load: ${errorMessage(e)}`;
      }
      if (tf.findBackendFactory("tensorflow") === null) {
        const theirs = mod?.version?.["tfjs-node"] ?? "another version";
        return `${SPECIFIER} (${theirs}) registered its backend on another copy of @tensorflow/tfjs-core; install ${SPECIFIER}@${tf.version_core} to match @tensorflow/tfjs-core ${tf.version_core}`;
      }
      return undefined;
    },
    async describe() {
      return `native TensorFlow through ${SPECIFIER}`;
    },
  };
}
