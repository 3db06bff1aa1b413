// The playground page: builds the form from the worker's method list and the model manifest, sends runs to the
// worker, shows progress, the backend chosen and why, the heatmap, and the downloads. Exposes the last result as
// `window.__result` (the browser tests read it).
import { downloadBytes } from "./downloadBytes.js";
import type { FromWorker, ModelEntry, ModelSource, RunRequest, SequenceNumbers, TensorCounts } from "./protocol.js";
import { readPickedFolder } from "./readPickedFolder.js";

/** What the page exposes about the last run. */
export interface PageResult {
  readonly runId: number;
  readonly state: "done" | "cancelled" | "error";
  readonly backend?: string;
  readonly reason?: string;
  readonly sequences?: SequenceNumbers[];
  readonly tensors?: TensorCounts;
  readonly message?: string;
  readonly progressEvents: number;
}
declare global {
  interface Window {
    __result?: PageResult;
    __ready?: boolean;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("controls");
/** The trained key-value recall model: its right answer is known, so the heatmap can be read. */
const DEFAULT_MODEL = "tiny-kv";
const modelSelect = $<HTMLSelectElement>("model");
const folderInput = $<HTMLInputElement>("folder");
const hubInput = $<HTMLInputElement>("hub");
const backendSelect = $<HTMLSelectElement>("backend");
const methodSelect = $<HTMLSelectElement>("method");
const optionsInput = $<HTMLInputElement>("methodOptions");
const stepScoresBox = $<HTMLFieldSetElement>("stepScores");
const inputTexts = $<HTMLTextAreaElement>("inputTexts");
const generatedTexts = $<HTMLTextAreaElement>("generatedTexts");
const runButton = $<HTMLButtonElement>("run");
const cancelButton = $<HTMLButtonElement>("cancel");
const progress = $<HTMLProgressElement>("progress");
const statusText = $<HTMLSpanElement>("statusText");
const backendInfo = $<HTMLParagraphElement>("backendInfo");
const tensorInfo = $<HTMLParagraphElement>("tensorInfo");
const output = $<HTMLElement>("output");
const heatmap = $<HTMLIFrameElement>("heatmap");
const timing = $<HTMLSpanElement>("timing");

const params = new URLSearchParams(location.search);
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const cancelFlag = typeof SharedArrayBuffer === "function" && crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
let models: ModelEntry[] = [];
let runId = 0;
let progressEvents = 0;
let downloads: { json: Uint8Array; html: string; name: string } | undefined;
let chosen: { backend: string; reason: string } | undefined;

const lines = (text: string) => text.split("\n").map((s) => s.trim()).filter((s) => s.length > 0);
const setState = (state: string) => (document.body.dataset.state = state);

function fillExamples(entry: ModelEntry | undefined): void {
  if (!entry) return;
  inputTexts.value = entry.inputTexts.join("\n");
  generatedTexts.value = entry.generatedTexts.join("\n");
}

async function loadManifest(): Promise<void> {
  const res = await fetch(new URL("models/manifest.json", location.href));
  models = res.ok ? ((await res.json()) as ModelEntry[]) : [];
  modelSelect.replaceChildren(...models.map((m) => new Option(`${m.label} (${m.modelType})`, m.name)));
  const wanted = params.get("model") ?? DEFAULT_MODEL;
  if (wanted && models.some((m) => m.name === wanted)) modelSelect.value = wanted;
  fillExamples(models.find((m) => m.name === modelSelect.value));
}

async function modelSource(): Promise<{ source: ModelSource; transfer: Transferable[] }> {
  const kind = (form.elements.namedItem("modelKind") as RadioNodeList).value;
  if (kind === "folder") {
    if (!folderInput.files?.length) throw new Error("Pick a model folder (config.json, tokenizer.json, model.safetensors) first.");
    const { name, files } = await readPickedFolder(folderInput.files);
    return { source: { kind: "files", name, files }, transfer: Object.values(files).map((f) => f.buffer as ArrayBuffer) };
  }
  if (kind === "hub") {
    const id = hubInput.value.trim();
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new Error('Type a hub id such as "openai-community/gpt2".');
    return { source: { kind: "hub", name: id }, transfer: [] };
  }
  const entry = models.find((m) => m.name === modelSelect.value);
  if (!entry) throw new Error("No shipped model is selected.");
  return { source: { kind: "url", name: entry.name, url: new URL(entry.path, location.href).href }, transfer: [] };
}

function methodOptions(): Record<string, unknown> {
  const text = optionsInput.value.trim() || "{}";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`Method options are not valid JSON (${(e as Error).message}); example: {"nSteps": 20}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error('Method options must be a JSON object, e.g. {"nSteps": 20}.');
  return value as Record<string, unknown>;
}

function finish(result: Omit<PageResult, "progressEvents">): void {
  window.__result = { ...result, progressEvents };
  setState(result.state);
  runButton.disabled = false;
  cancelButton.disabled = true;
  if (result.tensors) {
    const leak = result.tensors.after - result.tensors.baseline;
    tensorInfo.textContent = `worker tensors: ${result.tensors.after} after the run, ${result.tensors.baseline} before it (${leak === 0 ? "no leak" : `${leak} leaked`})`;
  }
}

async function start(): Promise<void> {
  let request: RunRequest;
  let transfer: Transferable[];
  try {
    const { source, transfer: t } = await modelSource();
    transfer = t;
    const inputs = lines(inputTexts.value);
    if (inputs.length === 0) throw new Error("Type an input text.");
    const stepScores = Array.from(stepScoresBox.querySelectorAll<HTMLInputElement>("input:checked")).map((i) => i.value);
    request = { type: "run", runId: ++runId, model: source, backend: backendSelect.value as RunRequest["backend"], method: methodSelect.value, inputTexts: inputs, generatedTexts: lines(generatedTexts.value), stepScores, methodOptions: methodOptions() };
  } catch (e) {
    statusText.textContent = (e as Error).message;
    return;
  }
  if (cancelFlag) Atomics.store(cancelFlag, 0, 0);
  progressEvents = 0;
  progress.value = 0;
  chosen = undefined;
  setState("running");
  runButton.disabled = true;
  cancelButton.disabled = false;
  statusText.textContent = "sending to the worker…";
  worker.postMessage(request, transfer);
}

worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
  const msg = event.data;
  if (msg.type === "ready") {
    methodSelect.replaceChildren(...msg.methods.map((m) => new Option(m, m)));
    methodSelect.value = params.get("method") ?? "integrated_gradients";
    stepScoresBox.append(
      ...msg.stepFunctions.map((name) => {
        const label = document.createElement("label");
        const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name, checked: name === "probability" });
        label.append(box, name);
        return label;
      }),
    );
    if (params.get("backend")) backendSelect.value = params.get("backend")!;
    if (params.get("options")) optionsInput.value = params.get("options")!;
    statusText.textContent = `ready (auto tries ${msg.fallbackChain.join(" → ")}${msg.crossOriginIsolated ? "" : "; not cross-origin isolated: cancel waits for the next step"})`;
    runButton.disabled = false;
    window.__ready = true;
    setState("ready");
    return;
  }
  if (msg.runId !== runId) return;
  if (msg.type === "status") statusText.textContent = msg.text;
  else if (msg.type === "backend") {
    chosen = { backend: msg.choice.backend, reason: msg.choice.reason };
    const skipped = msg.choice.skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
    backendInfo.textContent = `backend: ${msg.choice.backend} — ${msg.choice.reason}${skipped ? ` (skipped ${skipped})` : ""}`;
  } else if (msg.type === "progress") {
    progressEvents++;
    progress.max = msg.totalSteps;
    progress.value = msg.step;
    statusText.textContent = `step ${msg.step}/${msg.totalSteps} (${(msg.elapsedMs / 1000).toFixed(1)} s)`;
  } else if (msg.type === "result") {
    const name = `${methodSelect.value}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    downloads = { json: msg.json, html: msg.html, name };
    heatmap.srcdoc = msg.html;
    output.hidden = false;
    timing.textContent = `${msg.execTimeS.toFixed(2)} s on ${msg.backend}`;
    statusText.textContent = "done";
    finish({ runId: msg.runId, state: "done", backend: msg.backend, reason: chosen?.reason, sequences: msg.sequences, tensors: msg.tensors });
  } else if (msg.type === "cancelled") {
    statusText.textContent = "cancelled";
    finish({ runId: msg.runId, state: "cancelled", backend: chosen?.backend, tensors: msg.tensors });
  } else if (msg.type === "error") {
    statusText.textContent = `error${msg.code ? ` ${msg.code}` : ""}: ${msg.message}`;
    finish({ runId: msg.runId, state: "error", backend: chosen?.backend, message: msg.message, tensors: msg.tensors });
  }
});
worker.addEventListener("error", (e) => {
  statusText.textContent = `the worker failed: ${e.message}`;
  setState("error");
});

form.addEventListener("submit", (e) => {
  e.preventDefault();
  void start();
});
cancelButton.addEventListener("click", () => {
  if (cancelFlag) Atomics.store(cancelFlag, 0, runId);
  worker.postMessage({ type: "cancel", runId });
  statusText.textContent = "cancelling…";
  cancelButton.disabled = true;
});
modelSelect.addEventListener("change", () => fillExamples(models.find((m) => m.name === modelSelect.value)));
$<HTMLButtonElement>("downloadJson").addEventListener("click", () => downloads && downloadBytes(downloads.json, `${downloads.name}.json`, "application/json"));
$<HTMLButtonElement>("downloadHtml").addEventListener("click", () => downloads && downloadBytes(downloads.html, `${downloads.name}.html`, "text/html"));

await loadManifest();
worker.postMessage({ type: "hello", cancelFlag: cancelFlag?.buffer as SharedArrayBuffer | undefined });
