import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSafetensorsHeader, readSafetensorsTensor } from "@inseqjs/core";
import { attributeRaw } from "@inseqjs/core";
import { loadModel } from "inseqjs";
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "./benchArgs.js";
import { benchVocabulary } from "./benchVocabulary.js";
import { bf16BitsToFloat32, encodeSafetensorsBytes, float32ToBf16Bits, toBf16 } from "./bf16.js";
import { buildRandomLlama, llamaConfig } from "./buildRandomLlama.js";
import { agreementOf, compareStepSums } from "./compareAttributions.js";
import { ensureBenchLlama } from "./ensureBenchModel.js";
import { BenchFailure, failureOf, formatFailure } from "./failure.js";
import { formatAgreement, formatTable } from "./formatReport.js";
import type { Report } from "./formatReport.js";
import { llamaParameterCount, SMOLLM2_135M_SHAPE } from "./llamaShape.js";
import { failureLineOf } from "./oursInChild.js";
import type { OursResult } from "./runOurs.js";
import { torchEnv } from "./runTorch.js";
import type { TorchResult } from "./runTorch.js";
import { pipExtraArgs, VENV_PACKAGES } from "./torchPeer.js";
import { allBenchItems, attributedSteps, benchPrompt, isLoad, matchesWorkload, promptTokens, selectBenchItems, smollm2Workloads } from "./workload.js";
import type { Workload } from "./workload.js";

const TINY_LLAMA = { hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 4, vocabSize: 300, maxPositions: 64, ropeTheta: 100000, rmsNormEps: 1e-5 };

describe("bf16", () => {
  it("rounds float32 to the top 16 bits, to nearest even", () => {
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(-2)).toBe(0xc000);
    expect(float32ToBf16Bits(0)).toBe(0);
    expect(float32ToBf16Bits(-0)).toBe(0x8000);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1)
    expect(float32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80);
    // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up
    expect(float32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    // just above the halfway point rounds up
    expect(float32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(float32ToBf16Bits(Infinity)).toBe(0x7f80);
    expect(float32ToBf16Bits(-Infinity)).toBe(0xff80);
    expect(float32ToBf16Bits(3.4028234663852886e38)).toBe(0x7f80); // float32 max rounds to +Inf
    const nan = float32ToBf16Bits(NaN);
    expect(Number.isNaN(bf16BitsToFloat32(nan))).toBe(true);
    expect(bf16BitsToFloat32(0x3f80)).toBe(1);
    expect(bf16BitsToFloat32(0x4049)).toBeCloseTo(3.140625, 10);
  });

  it("converts arrays like the scalar, within half a bf16 ulp", () => {
    const data = Float32Array.from([0.02, -0.013, 1e-30, 12345.678, 0.1]);
    const bits = toBf16(data);
    expect(Array.from(bits)).toEqual(Array.from(data).map(float32ToBf16Bits));
    data.forEach((v, i) => expect(Math.abs(bf16BitsToFloat32(bits[i]) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8));
  });

  it("writes a safetensors file that core reads back exactly", () => {
    const bits = toBf16(Float32Array.from([1, -0.5, 0.02, 3]));
    const bytes = encodeSafetensorsBytes({ a: { dtype: "BF16", shape: [2, 2], bytes: new Uint8Array(bits.buffer) } }, { format: "pt" });
    const header = parseSafetensorsHeader(bytes);
    expect(header.tensors.get("a")).toMatchObject({ dtype: "BF16", shape: [2, 2] });
    expect(Array.from(readSafetensorsTensor(bytes, header, "a"))).toEqual(Array.from(bits).map(bf16BitsToFloat32));
    expect(() => encodeSafetensorsBytes({ a: { dtype: "BF16", shape: [3], bytes: new Uint8Array(4) } })).toThrow(/needs 6/);
  });
});

describe("SmolLM2-shaped Llama", () => {
  it("config.json is SmolLM2-135M's", () => {
    expect(llamaConfig(SMOLLM2_135M_SHAPE)).toMatchObject({
      architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30,
      num_attention_heads: 9, num_key_value_heads: 3, head_dim: 64, vocab_size: 49152, max_position_embeddings: 8192, rope_theta: 100000,
      rms_norm_eps: 1e-5, hidden_act: "silu", tie_word_embeddings: true, attention_bias: false, mlp_bias: false, bos_token_id: 0,
      eos_token_id: 0, torch_dtype: "bfloat16",
    });
    expect(llamaParameterCount(SMOLLM2_135M_SHAPE)).toBe(134_515_008);
  });

  it("builds a BF16 folder with every parameter in Hugging Face names, seeded", () => {
    const files = buildRandomLlama(TINY_LLAMA, 3);
    const bytes = files["model.safetensors"] as Uint8Array;
    const header = parseSafetensorsHeader(bytes);
    const names = [...header.tensors.keys()];
    expect(names).toHaveLength(1 + 2 * 9 + 1);
    expect(names).not.toContain("lm_head.weight");
    expect(header.tensors.get("model.layers.1.self_attn.k_proj.weight")).toMatchObject({ dtype: "BF16", shape: [8, 16] });
    expect(header.tensors.get("model.layers.0.mlp.down_proj.weight")!.shape).toEqual([16, 24]);
    expect(Array.from(readSafetensorsTensor(bytes, header, "model.norm.weight"))).toEqual(new Array(16).fill(1));
    const emb = readSafetensorsTensor(bytes, header, "model.embed_tokens.weight");
    const std = Math.sqrt(emb.reduce((s, v) => s + v * v, 0) / emb.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(buildRandomLlama(TINY_LLAMA, 3)["model.safetensors"]).toEqual(bytes);
    const tok = JSON.parse(files["tokenizer.json"] as string);
    expect(Object.keys(tok.model.vocab)).toHaveLength(300);
    expect(Object.keys(JSON.parse(buildRandomLlama({ ...TINY_LLAMA, vocabSize: 49152, numLayers: 1 }, 1)["tokenizer.json"] as string).model.vocab)).toHaveLength(49152);
  });

  it("loads with inseq.js's loader and attributes (tiny shape, wasm)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-llama-"));
    try {
      const modelDir = ensureBenchLlama(dir, TINY_LLAMA, 1);
      expect(JSON.parse(readFileSync(join(modelDir, "config.json"), "utf8")).model_type).toBe("llama");
      const model = await loadModel(modelDir, "saliency", { backend: "wasm" });
      try {
        const prompt = benchPrompt(6, 300);
        const out = await attributeRaw(model.model, prompt, { method: "saliency", generatedTexts: `${prompt} and then` });
        expect(out.sequences[0].attrPosStart).toBe(6);
        const target = out.results[0].target!;
        expect(target.shape).toEqual([8, 2, 16]);
        expect(Array.from(target.data).some((v) => Number.isFinite(v) && v > 0)).toBe(true);
      } finally {
        model.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scale workloads and flags", () => {
  it("SmolLM2 prompts have exactly the asked number of vocabulary words, deterministically", () => {
    const vocab = new Set(benchVocabulary(49152));
    for (const n of [20, 256, 2048]) {
      const p = benchPrompt(n, 49152);
      expect(p.split(" ")).toHaveLength(n);
      expect(benchPrompt(n, 49152)).toBe(p);
      for (const w of p.split(" ")) expect(vocab.has(w) && w !== "<unk>" && w !== "<|endoftext|>").toBe(true);
    }
    const ws = smollm2Workloads(49152);
    expect(ws.map((w) => w.id)).toEqual([
      "smollm2-saliency-20", "smollm2-saliency-256", "smollm2-saliency-512", "smollm2-saliency-1024", "smollm2-saliency-2048", "smollm2-ig-20", "smollm2-ig-512",
    ]);
    expect(ws.map((w) => [promptTokens(w), attributedSteps(w), w.long ?? false])).toEqual([
      [20, 5, false], [256, 5, true], [512, 5, true], [1024, 5, true], [2048, 5, true], [20, 5, false], [512, 5, true],
    ]);
    expect(ws.at(-1)).toMatchObject({ method: "integrated_gradients", nSteps: 10, internalBatchSize: 10 });
  });

  it("selects workloads by shape, id pattern and method", () => {
    const all = allBenchItems(49152);
    expect(all.filter(isLoad).map((w) => w.id)).toEqual(["distilgpt2-load", "smollm2-load"]);
    const ids = (shapes: ("distilgpt2" | "smollm2")[], p?: string[], m: ("saliency" | "integrated_gradients")[] = ["saliency", "integrated_gradients"]) => selectBenchItems(all, shapes, p, m).map((w) => w.id);
    expect(ids(["distilgpt2"])).toEqual(["distilgpt2-load", "distilgpt2-ig", "distilgpt2-saliency"]);
    expect(ids(["smollm2"], ["smollm2-saliency-20", "smollm2-ig-*"])).toEqual(["smollm2-saliency-20", "smollm2-ig-20", "smollm2-ig-512"]);
    expect(ids(["distilgpt2", "smollm2"], ["*-load"])).toEqual(["distilgpt2-load", "smollm2-load"]);
    expect(ids(["smollm2"], undefined, ["integrated_gradients"])).toEqual(["smollm2-load", "smollm2-ig-20", "smollm2-ig-512"]);
    expect(() => ids(["smollm2"], ["smollm2-saliency-99"])).toThrow(/matches none/);
    expect(matchesWorkload("smollm2-saliency-20", ["smollm2-saliency-2"])).toBe(false);
  });

  it("parses the new flags", () => {
    expect(parseBenchArgs([])).toMatchObject({ shapes: ["distilgpt2", "smollm2"], torchOnly: false, noVenv: false, list: false });
    expect(parseBenchArgs(["--shape", "smollm2", "--workloads", "smollm2-saliency-20,smollm2-ig-*", "--torch-only", "--timeout", "600", "--no-venv"])).toMatchObject({
      shapes: ["smollm2"], workloads: ["smollm2-saliency-20", "smollm2-ig-*"], torchOnly: true, timeoutS: 600, noVenv: true,
    });
    expect(parseBenchArgs(["--shape", "all"]).shapes).toEqual(["distilgpt2", "smollm2"]);
    expect(parseBenchArgs([]).torchThreads).toBeUndefined();
    expect(parseBenchArgs(["--torch-threads", "1"]).torchThreads).toBe(1);
    expect(parseBenchArgs(["--shape", "distilgpt2", "--list"])).toMatchObject({ shapes: ["distilgpt2"], list: true });
    expect(() => parseBenchArgs(["--shape", "gpt5"])).toThrow(/unknown shape/);
    expect(() => parseBenchArgs(["--no-torch", "--torch-only"])).toThrow(/nothing to run/);
  });

  it("runs PyTorch at default threads (thread variables removed), the fallback on one", () => {
    const env = { OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "4", PATH: "/bin" };
    expect(torchEnv("hf", env)).toEqual({ PATH: "/bin", HF_HUB_OFFLINE: "1" });
    expect(torchEnv("reference", env)).toMatchObject({ OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" });
    expect(VENV_PACKAGES[0]).toBe("torch==2.13.0+cpu");
    expect(pipExtraArgs({ INSEQJS_BENCH_PIP_ARGS: " --index-url  file:///x " })).toEqual(["--index-url", "file:///x"]);
  });
});

describe("failures and sums-only agreement", () => {
  it("compares per-step sums scaled by the |·| sums", () => {
    const ok = compareStepSums({ stepSums: [1.00001, -2] }, { stepSums: [1, -2], stepAbsSums: [10, 4] }, 1e-4);
    expect(ok).toMatchObject({ ok: true, sumsOnly: true });
    expect(ok.maxRelativeDifference).toBeCloseTo(1e-6, 9);
    expect(compareStepSums({ stepSums: [1.01] }, { stepSums: [1] }, 1e-3).ok).toBe(false);
    expect(() => compareStepSums({ stepSums: [1] }, { stepSums: [1, 2] }, 1e-3)).toThrow(/steps/);
    const full = { hidden: 1, steps: [Float32Array.from([1, 2])] };
    expect(agreementOf({ attributions: full, stepSums: [3] }, { attributions: full, stepSums: [3] }, 1e-4).sumsOnly).toBeUndefined();
    expect(agreementOf({ stepSums: [3] }, { attributions: full, stepSums: [3] }, 1e-4).sumsOnly).toBe(true);
  });

  it("says what failed: an InseqError code, an error name, a dead worker's stderr line", () => {
    const inseq = Object.assign(new Error("Out of memory: the wasm heap cannot grow\nmore"), { code: "OUT_OF_MEMORY" });
    expect(failureOf(inseq)).toEqual({ code: "OUT_OF_MEMORY", message: "Out of memory: the wasm heap cannot grow" });
    const rt = new Error("Aborted(). Build with -sASSERTIONS for more info.");
    rt.name = "RuntimeError";
    expect(failureOf(rt).code).toBe("RuntimeError");
    expect(failureOf(new BenchFailure({ code: "TIMEOUT", message: "killed", afterS: 3 }))).toEqual({ code: "TIMEOUT", message: "killed", afterS: 3 });
    expect(formatFailure({ code: "TIMEOUT", message: "killed", afterS: 3 })).toBe("TIMEOUT: killed (after 3.0 s)");
    expect(failureLineOf("[bench] x\nfoo\nRuntimeError: memory access out of bounds\n    at wasm://x\n")).toBe("RuntimeError: memory access out of bounds");
  });

  it("reports a failed side as a row and keeps the other rows", () => {
    const w: Workload = { id: "smollm2-saliency-512", shape: "smollm2", method: "saliency", prompt: benchPrompt(512, 300), generated: `${benchPrompt(512, 300)} a b`, long: true };
    const torch = { impl: "hf", torchVersion: "2.13.0+cpu", transformersVersion: "5", threads: 2, blas: "MKL", lmHead: "all", medianS: 2, timesS: [2], medianCpuS: 3, cpuTimesS: [3], peakRssBytes: 2 ** 30, loadedRssBytes: 2 ** 29, loadS: 1, loadCpuS: 1, stepSums: [1, 2] } as TorchResult;
    const ours = { backend: "wasm", medianS: 4, timesS: [4], medianCpuS: 4, cpuTimesS: [4], stepSums: [1, 2], stepAbsSums: [1, 2], loadS: 2, loadCpuS: 2, peakRssBytes: 2 ** 31, loadedRssBytes: 1, modelTensorBytes: 1, wasmHeapBytes: 2 ** 30, peakTensorBytes: NaN, leakedTensors: 0, kernels: [] } as OursResult;
    const reports: Report[] = [
      { workload: w, variant: "live", oursFailure: { code: "OUT_OF_MEMORY", message: "the wasm heap | cannot grow" }, torch },
      { workload: { ...w, id: "x", prompt: "a b", generated: "a b c" }, variant: "live", ours, torch, agreement: compareStepSums(ours, torch, 1e-4) },
    ];
    const table = formatTable(reports).join("\n");
    expect(table).toMatch(/inseq\.js \(wasm\) \| FAILED — OUT_OF_MEMORY: the wasm heap \\\| cannot grow/);
    expect(table).toMatch(/PyTorch 2\.13\.0\+cpu \(HF\), 2 threads/);
    expect(table).toMatch(/\| 2\.00 \| 1\.33 \| 2\.00 \| 2\.00 \|/);
    expect(formatAgreement(reports)[0]).toMatch(/per-step sums only/);
  });
});
