// What happens when the wasm heap runs out, past the preflight (a forward called directly). Its own file: the fatal
// case kills the process's wasm module (vitest's forks pool runs each file in its own process).
//  - guarded (default): tensor allocations that cannot succeed throw before the module is touched → OUT_OF_MEMORY,
//    the model stays `ready`, and works again once memory is freed;
//  - unguarded (the module's own failure mode): emscripten aborts → OUT_OF_MEMORY with the RuntimeError as `cause`,
//    the model reports `broken` and every later call fails fast; `resetBackend()` + loading again recovers.
import * as tf from "@tensorflow/tfjs-core";
import { resetBackend, setWasmHeapGuard, useBackend, wasmModule } from "@inseqjs/backend-tfjs";
import { attributeRaw, isInseqError } from "@inseqjs/core";
import "@inseqjs/gradient";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import type { TransformersModel } from "../models/TransformersModel.js";
import { randomLlamaFiles } from "./randomModelFiles.js";

const files = () => memoryModelFiles(randomLlamaFiles({ vocabSize: 64, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositions: 512 }));
const ids = () => tf.tensor2d([[3, 4, 5, 6, 7, 8]], [1, 6], "int32");

/**
 * Takes every free byte of the wasm heap with raw mallocs (the guard off, as any C++ allocation would): the heap
 * grows to its 4 GiB cap (virtual memory: nothing is written) and is then full down to 8-byte blocks.
 */
function exhaustHeap(): number[] {
  const mod = wasmModule()!;
  setWasmHeapGuard(false);
  const blocks: number[] = [];
  try {
    for (let size = 2 ** 30; size >= 8; size /= 2) {
      for (;;) {
        const p = mod._malloc(size);
        if (p === 0) break;
        blocks.push(p);
      }
    }
  } finally {
    setWasmHeapGuard(true);
  }
  return blocks;
}

function failure(run: () => unknown): Error & { cause?: unknown } {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(isInseqError(error, "OUT_OF_MEMORY"), `expected OUT_OF_MEMORY, got ${String(error)}`).toBe(true);
  return error as Error & { cause?: unknown };
}

describe("a full wasm heap, past the preflight", () => {
  let model: TransformersModel;
  beforeAll(async () => {
    await useBackend("wasm");
    model = await loadTransformersModel("random-llama", { files: files() });
  });
  afterAll(() => setWasmHeapGuard(true));

  it("guarded: OUT_OF_MEMORY before the module is touched; the model stays ready and computes again once memory is freed", () => {
    const input = ids();
    const blocks = exhaustHeap();
    const e = failure(() => model.forward({ target: { ids: input } }));
    expect(e.message).toMatch(/ran out of memory \(wasm: cannot allocate a tensor/);
    expect(e.message).toMatch(/the model stays usable/);
    expect((e.cause as { code?: string }).code).toBe("OUT_OF_MEMORY");
    expect(model.state).toBe("ready");
    const mod = wasmModule()!;
    for (const p of blocks) mod._free(p);
    const logits = tf.tidy(() => model.forward({ target: { ids: input } }).logits.dataSync());
    expect(logits.every(Number.isFinite)).toBe(true);
    input.dispose();
  });

  it("unguarded: the emscripten abort becomes OUT_OF_MEMORY (cause: the RuntimeError), the model is broken and every later call fails fast", async () => {
    const input = ids();
    exhaustHeap();
    setWasmHeapGuard(false);
    const e = failure(() => model.forward({ target: { ids: input } }));
    setWasmHeapGuard(true);
    expect(e.cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(String((e.cause as Error).message)).toMatch(/Aborted\(/);
    expect(e.message).toMatch(/cannot be used after this: reload the model/);
    expect(model.state).toBe("broken");
    // later calls: a typed error at once, never another raw RuntimeError
    const again = failure(() => model.forward({ target: { ids: input } }));
    expect(again.message).toMatch(/cannot compute any more: its wasm backend ran out of memory and failed earlier .*resetBackend\(\)/);
    const viaAttribute = await attributeRaw(model, "w3 w4 w5", { method: "saliency", generatedTexts: "w3 w4 w5 w6" }).then(() => undefined, (err: unknown) => err);
    expect(isInseqError(viaAttribute, "OUT_OF_MEMORY")).toBe(true);
    expect((viaAttribute as Error).message).toMatch(/cannot compute any more/);
    expect(() => model.dispose()).not.toThrow();
    expect(model.state).toBe("disposed");
  });

  it("resetBackend() re-creates the wasm module; a model loaded again attributes normally", async () => {
    expect(await resetBackend("wasm")).toBe(true);
    expect(tf.getBackend()).toBe("wasm");
    const fresh = await loadTransformersModel("random-llama", { files: files() });
    expect(fresh.state).toBe("ready");
    const raw = await attributeRaw(fresh, "w3 w4 w5", { method: "saliency", generatedTexts: "w3 w4 w5 w6" });
    expect(raw.results[0].target!.shape).toEqual([4, 1, 32]);
    expect(Array.from(raw.results[0].target!.data).filter(Number.isFinite).length).toBeGreaterThan(0);
    fresh.dispose();
  });
});
