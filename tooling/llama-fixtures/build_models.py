"""Builds the tiny random Llama-family models of test-data/models-arch/<name>/ in Hugging Face layout.

Run with Debian's python3 (python3-torch, python3-numpy), from the repository root:
    /usr/bin/python3 tooling/llama-fixtures/build_models.py
Weights are seeded and written with the spec's dtype (F32 / F16 / BF16); tied LM heads are not stored, as
Hugging Face does on save. Then run build_expected.py for the reference numbers.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import write_safetensors  # noqa: E402
from specs import MODELS, vocabulary  # noqa: E402
from word_tokenizer import tokenizer_json  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def random_weights(name, cfg, seed):
    """Parameters named as Hugging Face's *ForCausalLM state dict."""
    g = torch.Generator().manual_seed(seed)
    mt = cfg["model_type"]
    H, I, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    nh, nkv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    V = cfg["vocab_size"]
    gemma = mt in ("gemma", "gemma2")

    def normal(*shape, std):
        return torch.randn(*shape, generator=g) * std

    def norm_weight(n):
        # Gemma stores w with the norm computing (1 + w): keep w near 0; Llama's weight is near 1.
        return normal(n, std=0.1) if gemma else 1.0 + normal(n, std=0.1)

    emb_std = 0.5
    w = {"model.embed_tokens.weight": normal(V, H, std=emb_std)}
    qkv_bias = cfg.get("attention_bias", False) or mt == "qwen2"
    for i in range(L):
        p = f"model.layers.{i}"
        w[f"{p}.self_attn.q_proj.weight"] = normal(nh * d, H, std=0.2)
        w[f"{p}.self_attn.k_proj.weight"] = normal(nkv * d, H, std=0.2)
        w[f"{p}.self_attn.v_proj.weight"] = normal(nkv * d, H, std=0.2)
        w[f"{p}.self_attn.o_proj.weight"] = normal(H, nh * d, std=0.2)
        if qkv_bias:
            for n, size in (("q", nh * d), ("k", nkv * d), ("v", nkv * d)):
                w[f"{p}.self_attn.{n}_proj.bias"] = normal(size, std=0.1)
        if cfg.get("attention_bias", False) and mt != "qwen2":
            w[f"{p}.self_attn.o_proj.bias"] = normal(H, std=0.1)
        if mt == "qwen3":
            w[f"{p}.self_attn.q_norm.weight"] = 1.0 + normal(d, std=0.1)
            w[f"{p}.self_attn.k_norm.weight"] = 1.0 + normal(d, std=0.1)
        w[f"{p}.mlp.gate_proj.weight"] = normal(I, H, std=0.2)
        w[f"{p}.mlp.up_proj.weight"] = normal(I, H, std=0.2)
        w[f"{p}.mlp.down_proj.weight"] = normal(H, I, std=0.2)
        if cfg.get("mlp_bias", False):
            w[f"{p}.mlp.gate_proj.bias"] = normal(I, std=0.1)
            w[f"{p}.mlp.up_proj.bias"] = normal(I, std=0.1)
            w[f"{p}.mlp.down_proj.bias"] = normal(H, std=0.1)
        w[f"{p}.input_layernorm.weight"] = norm_weight(H)
        w[f"{p}.post_attention_layernorm.weight"] = norm_weight(H)
        if mt == "gemma2":
            w[f"{p}.pre_feedforward_layernorm.weight"] = norm_weight(H)
            w[f"{p}.post_feedforward_layernorm.weight"] = norm_weight(H)
    w["model.norm.weight"] = norm_weight(H)
    if not cfg.get("tie_word_embeddings", True):
        w["lm_head.weight"] = normal(V, H, std=0.5)
    return w


def build(name, spec, seed):
    out = os.path.join(ROOT, "test-data", "models-arch", name)
    os.makedirs(out, exist_ok=True)
    vocab = vocabulary(spec)
    cfg = dict(spec["config"])
    cfg["vocab_size"] = len(vocab)
    cfg = {k: v for k, v in cfg.items() if v is not None or k in ("sliding_window",)}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    unk = spec["tokenizer_config"].get("unk_token") or "<unk>"
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab, unk, spec["add_bos"]), f, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({k: v for k, v in spec["tokenizer_config"].items()}, f, indent=2)
    write_safetensors(os.path.join(out, "model.safetensors"), random_weights(name, cfg, seed), spec["dtype"])
    sizes = {f: os.path.getsize(os.path.join(out, f)) for f in os.listdir(out)}
    print(name, sizes)


if __name__ == "__main__":
    for k, (name, spec) in enumerate(MODELS.items()):
        build(name, spec, 1000 + k)
