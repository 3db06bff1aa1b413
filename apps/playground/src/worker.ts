// The attribution worker: loads models, runs the attribution off the page's thread, reports progress, honours
// cancellation (AbortSignal into core's step loop) and reports tensor counts so leaks are visible.
import * as tf from "@tensorflow/tfjs-core";
import { InseqModel, isInseqError, listMethods, listStepFunctions, saveBytes, type AttributionProgress } from "inseqjs";
import { fallbackChain, useBackend } from "@inseqjs/backend-tfjs";
import type { TransformersModel } from "@inseqjs/transformers";
import { renderHtml } from "@inseqjs/viz";
import { loadPlaygroundModel, modelKey } from "./loadPlaygroundModel.js";
import type { FromWorker, RunRequest, TensorCounts, ToWorker } from "./protocol.js";
import { sequenceNumbers } from "./sequenceNumbers.js";
import { wasmPaths } from "./wasmPaths.js";

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
  readonly location: { readonly href: string };
  readonly crossOriginIsolated?: boolean;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let cancelFlag: Int32Array | undefined;
let loaded: { key: string; model: TransformersModel } | undefined;
let running: { runId: number; controller: AbortController } | undefined;

async function run(req: RunRequest): Promise<void> {
  const controller = new AbortController();
  running = { runId: req.runId, controller };
  // engine().state, not tf.memory(): that would initialise a default backend before useBackend picks one
  const numTensors = () => tf.engine().state.numTensors;
  let baseline = numTensors();
  const counts = (): TensorCounts => ({ baseline, after: numTensors() });
  try {
    post({ type: "status", runId: req.runId, text: `starting the ${req.backend} backend…` });
    const choice = await useBackend(req.backend, { wasmPaths: wasmPaths(scope.location.href) });
    post({ type: "backend", runId: req.runId, choice });
    const key = modelKey(req.model, choice.backend);
    if (loaded?.key !== key) {
      loaded?.model.dispose();
      loaded = undefined;
      post({ type: "status", runId: req.runId, text: `loading ${req.model.name}…` });
      loaded = { key, model: await loadPlaygroundModel(req.model) };
    }
    baseline = numTensors();
    post({ type: "status", runId: req.runId, text: `attributing with ${req.method} on ${choice.backend}…` });
    const model = new InseqModel(loaded.model, req.method);
    const out = await model.attribute([...req.inputTexts], {
      ...req.methodOptions,
      generatedTexts: req.generatedTexts.length > 0 ? [...req.generatedTexts] : undefined,
      stepScores: [...req.stepScores],
      signal: controller.signal,
      onProgress: (p: AttributionProgress) => {
        // The flag is set by the page directly: wasm/cpu steps may never yield to the message queue.
        if (cancelFlag && Atomics.load(cancelFlag, 0) === req.runId) controller.abort();
        post({ type: "progress", runId: req.runId, ...p });
      },
    });
    const aggregated = out.aggregate();
    const html = renderHtml(aggregated.sequenceAttributions, { title: `${req.method} — ${req.model.name} (${choice.backend})`, info: out.info });
    const json = await saveBytes(out);
    post({ type: "result", runId: req.runId, backend: choice.backend, html, json, sequences: sequenceNumbers(out), tensors: counts(), execTimeS: out.info.execTime }, [json.buffer as ArrayBuffer]);
  } catch (e) {
    if (isInseqError(e, "ABORTED")) post({ type: "cancelled", runId: req.runId, tensors: counts() });
    else post({ type: "error", runId: req.runId, message: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code, tensors: counts() });
  } finally {
    running = undefined;
  }
}

scope.addEventListener("message", (event) => {
  const msg = event.data;
  if (msg.type === "hello") {
    if (msg.cancelFlag) cancelFlag = new Int32Array(msg.cancelFlag);
    post({ type: "ready", methods: listMethods(), stepFunctions: listStepFunctions(), fallbackChain: fallbackChain(), crossOriginIsolated: !!scope.crossOriginIsolated });
  } else if (msg.type === "cancel") {
    if (running?.runId === msg.runId) running.controller.abort();
  } else if (msg.type === "run") {
    void run(msg);
  }
});
