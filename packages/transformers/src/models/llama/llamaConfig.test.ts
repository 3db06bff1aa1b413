import { describe, expect, it } from "vitest";
import { getArchitecture } from "../architectureRegistry.js";
import { parseLlamaConfig } from "./llamaConfig.js";
import { ropeInverseFrequencies } from "./ropeInverseFrequencies.js";

const base = { vocab_size: 10, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 4, num_attention_heads: 4 };

describe("parseLlamaConfig", () => {
  it("applies each family's defaults", () => {
    const llama = parseLlamaConfig(base, "llama");
    expect(llama).toMatchObject({ architecture: "LlamaForCausalLM", numKvHeads: 4, headDim: 8, tieWordEmbeddings: false, qkvBias: false, embedScale: 1, activation: "silu", normAddsOne: false, maxPositions: 2048 });
    expect(llama.attentionScale).toBeCloseTo(8 ** -0.5, 12);
    expect(llama.layerWindows).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseLlamaConfig({ ...base, attention_bias: true, mlp_bias: true }, "llama")).toMatchObject({ qkvBias: true, outputBias: true, mlpBias: true });
    expect(parseLlamaConfig(base, "qwen2")).toMatchObject({ architecture: "Qwen2ForCausalLM", qkvBias: true, outputBias: false, layerWindows: [undefined, undefined, undefined, undefined] });
    expect(parseLlamaConfig({ ...base, head_dim: 16 }, "qwen3")).toMatchObject({ qkNorm: true, headDim: 16, qkvBias: false });
    expect(parseLlamaConfig(base, "mistral").layerWindows).toEqual([4096, 4096, 4096, 4096]);
    expect(parseLlamaConfig({ ...base, sliding_window: null }, "mistral").layerWindows).toEqual([undefined, undefined, undefined, undefined]);
    const gemma = parseLlamaConfig({ ...base, hidden_act: "gelu" }, "gemma");
    expect(gemma).toMatchObject({ tieWordEmbeddings: true, normAddsOne: true, activation: "gelu_pytorch_tanh", embedScale: Math.sqrt(32), sandwichNorms: false });
    const gemma2 = parseLlamaConfig(base, "gemma2");
    expect(gemma2).toMatchObject({ attnLogitSoftcap: 50, finalLogitSoftcap: 30, sandwichNorms: true, layerWindows: [4096, undefined, 4096, undefined] });
    expect(gemma2.attentionScale).toBeCloseTo(1 / 16, 12);
    expect(parseLlamaConfig({ ...base, attn_logit_softcapping: null, final_logit_softcapping: null }, "gemma2")).toMatchObject({ attnLogitSoftcap: undefined, finalLogitSoftcap: undefined });
  });

  it("reads layer_types, Qwen's use_sliding_window / max_window_layers, and eos lists", () => {
    expect(parseLlamaConfig({ ...base, sliding_window: 8, layer_types: ["full_attention", "sliding_attention", "full_attention", "sliding_attention"] }, "qwen3").layerWindows).toEqual([undefined, 8, undefined, 8]);
    expect(parseLlamaConfig({ ...base, sliding_window: 8, use_sliding_window: true, max_window_layers: 2 }, "qwen2").layerWindows).toEqual([undefined, undefined, 8, 8]);
    expect(parseLlamaConfig({ ...base, eos_token_id: [128001, 128009] }, "llama").eosTokenIds).toEqual([128001, 128009]);
    expect(parseLlamaConfig({ ...base, eos_token_id: 2 }, "llama").eosTokenIds).toEqual([2]);
    expect(() => parseLlamaConfig({ ...base, eos_token_id: ["x"] }, "llama")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("eos_token_id") }));
  });

  it("reads rope scaling under rope_type or type, and transformers 5's rope_parameters", () => {
    expect(parseLlamaConfig({ ...base, rope_scaling: { type: "linear", factor: 2 } }, "llama").rope).toEqual({ theta: 10000, dim: 8, scaling: { type: "linear", factor: 2 } });
    expect(parseLlamaConfig({ ...base, rope_parameters: { rope_type: "default", rope_theta: 5e5 } }, "llama").rope).toEqual({ theta: 5e5, dim: 8 });
    const dynamic = parseLlamaConfig({ ...base, max_position_embeddings: 100, rope_scaling: { rope_type: "dynamic", factor: 2.5 } }, "llama");
    expect([dynamic.maxPositions, dynamic.rope.scaling]).toEqual([250, { type: "dynamic", factor: 2.5, maxPositionEmbeddings: 100 }]);
  });

  it("names the problem: bad shapes are MALFORMED_FILE, unimplemented rope types UNSUPPORTED_MODEL_TYPE", () => {
    expect(() => parseLlamaConfig({ ...base, num_key_value_heads: 3 }, "llama")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("num_attention_heads") }));
    expect(() => parseLlamaConfig({ ...base, hidden_size: 30 }, "llama")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("hidden_size") }));
    expect(() => parseLlamaConfig({ ...base, rope_scaling: { rope_type: "yarn", factor: 4 } }, "qwen2")).toThrow(expect.objectContaining({ code: "UNSUPPORTED_MODEL_TYPE", message: expect.stringContaining("yarn") }));
    expect(() => parseLlamaConfig({ ...base, rope_scaling: { rope_type: "llama3", factor: 8 } }, "llama")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("low_freq_factor") }));
    expect(() => parseLlamaConfig({ ...base, partial_rotary_factor: 0.5 }, "llama")).toThrow(expect.objectContaining({ code: "UNSUPPORTED_MODEL_TYPE" }));
    expect(() => parseLlamaConfig({ ...base, vocab_size: 0 }, "llama")).toThrow(expect.objectContaining({ code: "MALFORMED_FILE", message: expect.stringContaining("vocab_size") }));
  });

  it("is registered for every family model_type", () => {
    for (const type of ["llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2"]) expect(getArchitecture(type).modelType).toBe(type);
  });
});

describe("ropeInverseFrequencies", () => {
  it("default, linear and dynamic (NTK) frequencies", () => {
    expect(ropeInverseFrequencies({ theta: 10000, dim: 8 }, 5)).toEqual([1, 0.1, 0.01, 0.001].map((f, i) => (i === 0 ? 1 : expect.closeTo(f, 15))));
    expect(ropeInverseFrequencies({ theta: 10000, dim: 4, scaling: { type: "linear", factor: 4 } }, 5)).toEqual([0.25, expect.closeTo(0.0025, 15)]);
    const dynamic = { theta: 10000, dim: 4, scaling: { type: "dynamic", factor: 2, maxPositionEmbeddings: 8 } } as const;
    expect(ropeInverseFrequencies(dynamic, 8)).toEqual(ropeInverseFrequencies({ theta: 10000, dim: 4 }, 8));
    // seqLen 12 > 8: base 10000 · (2·12/8 − 1)^(4/2) = 40000
    expect(ropeInverseFrequencies(dynamic, 12)[1]).toBeCloseTo(1 / 200, 15);
  });

  it("llama3: short wavelengths kept, long ones divided by factor, medium ones interpolated", () => {
    const rope = { theta: 10000, dim: 8, scaling: { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 16 } } as const;
    const [f0, f1, f2, f3] = ropeInverseFrequencies(rope, 1);
    expect(f0).toBeCloseTo((1 - (16 / (2 * Math.PI) - 1) / 3) / 8 + (16 / (2 * Math.PI) - 1) / 3, 12); // wavelength 2π is medium
    expect([f1, f2, f3]).toEqual([0.1 / 8, 0.01 / 8, 0.001 / 8].map((f) => expect.closeTo(f, 15)));
  });
});
