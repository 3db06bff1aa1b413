import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSafetensorsHeader } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "./benchArgs.js";
import { benchVocabulary } from "./benchVocabulary.js";
import { buildRandomGpt2 } from "./buildRandomGpt2.js";
import { compareAttributions } from "./compareAttributions.js";
import { ensureBenchModel } from "./ensureBenchModel.js";
import { findTorchPython, TORCH_INSTALL_HINT } from "./findTorchPython.js";
import { median } from "./median.js";
import { mulberry32, randomNormal } from "./randomNormal.js";
import { stepAttributionsOf, stepSums } from "./stepAttributions.js";
import { parseVariant } from "./variantSpec.js";
import { attributedSteps, BENCH_CONTINUATION, BENCH_PROMPT, benchWorkloads } from "./workload.js";

const TINY = { nLayer: 2, nEmbd: 16, nHead: 4, vocabSize: 300, nPositions: 32 };

describe("bench pieces", () => {
  it("the workload is a 12-word prompt with 6 forced words, all in the vocabulary", () => {
    const [ig, sal] = benchWorkloads();
    expect(BENCH_PROMPT.split(" ")).toHaveLength(12);
    expect(BENCH_CONTINUATION.split(" ")).toHaveLength(6);
    expect([attributedSteps(ig), attributedSteps(sal)]).toEqual([6, 6]);
    expect([ig.nSteps, ig.internalBatchSize, sal.method]).toEqual([20, 20, "saliency"]);
    const vocab = new Set(benchVocabulary(50257));
    for (const w of ig.generated.split(" ")) expect(vocab.has(w)).toBe(true);
    expect(benchVocabulary(50257)).toHaveLength(50257);
  });

  it("random weights are seeded and N(0, 0.02²)", () => {
    const a = randomNormal(20001, 0.02, mulberry32(7));
    expect(Array.from(randomNormal(20001, 0.02, mulberry32(7)))).toEqual(Array.from(a));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
  });

  it("builds a GPT-2 folder in Hugging Face layout with every parameter", () => {
    const files = buildRandomGpt2(TINY, 1);
    const config = JSON.parse(files["config.json"] as string);
    expect([config.model_type, config.n_layer, config.n_embd, config.n_head, config.vocab_size]).toEqual(["gpt2", 2, 16, 4, 300]);
    const header = parseSafetensorsHeader(files["model.safetensors"] as Uint8Array);
    const names = [...header.tensors.keys()];
    expect(names).toContain("transformer.h.1.mlp.c_proj.weight");
    expect(header.tensors.get("transformer.h.0.attn.c_attn.weight")!.shape).toEqual([16, 48]);
    expect(names).toHaveLength(2 + 2 * 12 + 2);
    const tok = JSON.parse(files["tokenizer.json"] as string);
    expect(tok.model.type).toBe("WordLevel");
    expect(tok.model.vocab["<unk>"]).toBe(1);
  });

  it("caches the model folder: a second call finds it without rebuilding", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-cache-"));
    try {
      const logs: string[] = [];
      const first = ensureBenchModel(dir, TINY, 2, (l) => logs.push(l));
      const mtime = statSync(join(first, "model.safetensors")).mtimeMs;
      const second = ensureBenchModel(dir, TINY, 2, (l) => logs.push(l));
      expect(second).toBe(first);
      expect(logs).toHaveLength(1);
      expect(statSync(join(second, "model.safetensors")).mtimeMs).toBe(mtime);
      expect(JSON.parse(readFileSync(join(first, "config.json"), "utf8")).n_embd).toBe(16);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits a NaN-padded (len, steps, hidden) matrix into per-step prefixes and compares two runs", () => {
    // 4 tokens, prompt 2, 2 steps, hidden 2: step 0 sees tokens 0..1, step 1 tokens 0..2
    const data = new Float32Array(4 * 2 * 2).fill(NaN);
    const put = (j: number, k: number, v: [number, number]) => data.set(v, (j * 2 + k) * 2);
    put(0, 0, [1, 2]); put(1, 0, [3, 4]); put(0, 1, [5, 6]); put(1, 1, [7, 8]); put(2, 1, [9, 10]);
    const a = stepAttributionsOf(data, [4, 2, 2], 2);
    expect(a.steps.map((s) => Array.from(s))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]);
    expect(stepSums(a)).toEqual([10, 45]);
    const close = { hidden: 2, steps: [Float32Array.from([1, 2, 3, 4.0001]), Float32Array.from([5, 6, 7, 8, 9, 10])] };
    const ok = compareAttributions(close, a, 1e-3);
    expect(ok.ok).toBe(true);
    expect(ok.maxRelativeDifference).toBeCloseTo(0.0001 / 4, 6);
    const far = { hidden: 2, steps: [Float32Array.from([1, 2, 3, 5]), Float32Array.from([5, 6, 7, 8, 9, 10])] };
    expect(compareAttributions(far, a, 1e-3).ok).toBe(false);
    expect(() => compareAttributions({ hidden: 2, steps: [a.steps[0]] }, a, 1e-3)).toThrow(/steps/);
  });

  it("without a Python that imports torch, finds none and says how to install it", () => {
    expect(findTorchPython(["/nonexistent/python3", ""])).toBeUndefined();
    expect(TORCH_INSTALL_HINT).toMatch(/apt-get update && apt-get install -y python3-torch python3-numpy/);
  });

  it("parses the command line and rejects bad flags", () => {
    expect(parseBenchArgs([])).toMatchObject({ repeats: 3, nSteps: 20, internalBatchSize: 20, noTorch: false });
    expect(parseBenchArgs(["--repeats", "5", "--methods", "saliency", "--options", '{"stepBatchSize":6}', "--memory-sweep", "10,40"])).toMatchObject({
      repeats: 5, methods: ["saliency"], extraOptions: { stepBatchSize: 6 }, memorySweep: [10, 40],
    });
    expect(() => parseBenchArgs(["--repeats", "0"])).toThrow(/positive integer/);
    expect(() => parseBenchArgs(["--methods", "deeplift"])).toThrow(/unknown method/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown flag/);
    expect(parseBenchArgs(["--variants", "A,D@stepBatchSize=6", "--rounds", "3", "--torch-last-head"])).toMatchObject({ variants: ["A", "D@stepBatchSize=6"], rounds: 3, torchLastHead: true });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe("variant specs", () => {
  it("reads a code name and key=value options", () => {
    expect(parseVariant("live")).toEqual({ label: "live", code: "live", options: {} });
    expect(parseVariant("D@stepBatchSize=6;tag=x")).toEqual({ label: "D@stepBatchSize=6;tag=x", code: "D", options: { stepBatchSize: 6, tag: "x" } });
    expect(() => parseVariant("D@oops")).toThrow(/key=value/);
  });
});
