import * as tf from "@tensorflow/tfjs-core";
import type { BackendCandidate } from "../backendTypes.js";

/** Whether this page or worker can create a WebGL2 (or WebGL 1) context. */
function canCreateWebGl(): boolean {
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown }; document?: { createElement(tag: string): { getContext(kind: string): unknown } } };
  try {
    const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement("canvas");
    return !!canvas && (canvas.getContext("webgl2") !== null || canvas.getContext("webgl") !== null);
  } catch {
    return false;
  }
}

/** WebGL in a browser or worker (OffscreenCanvas): checked by creating a context before tfjs initialises it. */
export function webGlCandidate(): BackendCandidate {
  return {
    backend: "webgl",
    async prepare() {
      if (!canCreateWebGl()) return "no WebGL context could be created (WebGL disabled, or a worker without OffscreenCanvas)";
      if (tf.findBackendFactory("webgl") === null) await import("@tensorflow/tfjs-backend-webgl");
      return undefined;
    },
    async describe() {
      return `WebGL ${tf.env().getNumber("WEBGL_VERSION")}`;
    },
  };
}
