"""Our own PyTorch forward of the Llama family, written from Hugging Face's modeling_llama / mistral / qwen2 / qwen3 /
gemma / gemma2 (eager attention), computing in float64 from the checkpoint's weights (read as float32).

Semantics kept from Hugging Face: RMSNorm `x·rsqrt(mean(x²)+eps)·w` (Gemma: `·(1+w)`), rotary embeddings with
`rotate_half` and `cat(freqs, freqs)`, rope scaling (default, linear, dynamic, llama3), grouped-query attention by
`repeat_kv`, q/k RMSNorm per head before rotary (Qwen3), SwiGLU / GeGLU MLP `down(act(gate(x))·up(x))`, Gemma's
embedding scale √hidden, Gemma 2's query_pre_attn_scalar, attention-logit soft-capping (before the mask), sandwich
norms, final-logit soft-capping, and sliding windows (`q − k ≥ window` masked; Gemma 2 on even layers). Position ids
come from the padding mask (`cumsum − 1`), as Hugging Face's generate computes them.
"""
import math

import torch

DT = torch.float64


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def rope_scaling(cfg):
    s = cfg.get("rope_scaling") or cfg.get("rope_parameters")
    if not s:
        return None
    kind = s.get("rope_type", s.get("type", "default"))
    return None if kind == "default" else dict(s, rope_type=kind)


def inv_frequencies(cfg, seq_len):
    """Hugging Face's rope init functions (modeling_rope_utils) for default / linear / dynamic / llama3."""
    d = head_dim(cfg)
    base = cfg.get("rope_theta", 10000.0)
    s = rope_scaling(cfg)
    if s and s["rope_type"] == "dynamic":
        max_pos = cfg["max_position_embeddings"]
        length = max(seq_len, max_pos)
        base = base * ((s["factor"] * length / max_pos) - (s["factor"] - 1)) ** (d / (d - 2))
    inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=DT) / d))
    if s and s["rope_type"] == "linear":
        inv = inv / s["factor"]
    if s and s["rope_type"] == "llama3":
        factor, low, high = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
        old = s["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        inv_l = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, inv_l)
    return inv


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(x, n_rep):
    b, kvh, l, d = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(b, kvh, n_rep, l, d).reshape(b, kvh * n_rep, l, d)


class ReferenceModel:
    """The forward of one checkpoint: `forward(embeds, mask)` → logits at the last position (float64)."""

    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.mt = cfg["model_type"]
        self.w = {k: v.to(DT) for k, v in weights.items()}
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.gemma = self.mt in ("gemma", "gemma2")
        H = cfg["hidden_size"]
        # Gemma multiplies by the normalizer as a tensor of the hidden dtype (float32 here).
        self.embed_scale = float(torch.tensor(H ** 0.5, dtype=torch.float32)) if self.gemma else 1.0

    def embed(self, ids):
        return self.w["model.embed_tokens.weight"][ids] * self.embed_scale

    def rms(self, x, name, eps=None):
        eps = self.cfg["rms_norm_eps"] if eps is None else eps
        w = self.w[name + ".weight"]
        out = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
        return out * (1.0 + w) if self.gemma else w * out

    def linear(self, x, name):
        y = x @ self.w[name + ".weight"].T
        b = self.w.get(name + ".bias")
        return y + b if b is not None else y

    def act(self, x):
        c = self.cfg
        # Gemma / Gemma 2 read hidden_activation (hidden_act is "gelu" in Gemma's own configs but ignored).
        name = (c.get("hidden_activation") or "gelu_pytorch_tanh") if self.gemma else c["hidden_act"]
        if name == "silu":
            return torch.nn.functional.silu(x)
        if name in ("gelu_pytorch_tanh", "gelu_new"):
            return torch.nn.functional.gelu(x, approximate="tanh")
        if name == "gelu":
            return torch.nn.functional.gelu(x)
        raise ValueError(name)

    def window(self, i):
        c = self.cfg
        if self.mt == "mistral":
            return c.get("sliding_window")
        if self.mt == "gemma2":
            return c.get("sliding_window") if i % 2 == 0 else None
        if self.mt in ("qwen2", "qwen3"):
            return c.get("sliding_window") if c.get("use_sliding_window") and i >= c.get("max_window_layers", 0) else None
        return None

    def mask(self, pad_mask, window):
        b, l = pad_mask.shape
        q = torch.arange(l)[:, None]
        k = torch.arange(l)[None, :]
        allowed = (k <= q)[None, :, :] & (pad_mask[:, None, :] > 0)
        if window is not None:
            allowed = allowed & ((q - k) < window)[None, :, :]
        m = torch.zeros(b, 1, l, l, dtype=DT)
        return m.masked_fill(~allowed[:, None, :, :], torch.finfo(DT).min)

    def attention(self, x, i, cos, sin, mask):
        c = self.cfg
        p = f"model.layers.{i}.self_attn"
        b, l, _ = x.shape
        nh, nkv, d = c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
        q = self.linear(x, p + ".q_proj").view(b, l, nh, d)
        k = self.linear(x, p + ".k_proj").view(b, l, nkv, d)
        v = self.linear(x, p + ".v_proj").view(b, l, nkv, d).transpose(1, 2)
        if self.mt == "qwen3":
            q = self.rms(q, p + ".q_norm")
            k = self.rms(k, p + ".k_norm")
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        q = q * cos[:, None] + rotate_half(q) * sin[:, None]
        k = k * cos[:, None] + rotate_half(k) * sin[:, None]
        k, v = repeat_kv(k, nh // nkv), repeat_kv(v, nh // nkv)
        scaling = c["query_pre_attn_scalar"] ** -0.5 if self.mt == "gemma2" else d ** -0.5
        scores = (q @ k.transpose(2, 3)) * scaling
        cap = c.get("attn_logit_softcapping") if self.mt == "gemma2" else None
        if cap:
            scores = torch.tanh(scores / cap) * cap
        scores = scores + mask
        out = torch.softmax(scores, dim=-1) @ v
        out = out.transpose(1, 2).reshape(b, l, nh * d)
        return self.linear(out, p + ".o_proj")

    def mlp(self, x, i):
        p = f"model.layers.{i}.mlp"
        return self.linear(self.act(self.linear(x, p + ".gate_proj")) * self.linear(x, p + ".up_proj"), p + ".down_proj")

    def forward(self, embeds, pad_mask=None):
        c = self.cfg
        b, l, _ = embeds.shape
        if pad_mask is None:
            pad_mask = torch.ones(b, l, dtype=torch.long)
        positions = (torch.cumsum(pad_mask, -1) - 1).clamp(min=0)
        inv = inv_frequencies(c, int(positions.max()) + 1)
        freqs = positions[:, :, None].to(DT) * inv[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        h = embeds
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}"
            mask = self.mask(pad_mask, self.window(i))
            a = self.attention(self.rms(h, p + ".input_layernorm"), i, cos, sin, mask)
            if self.mt == "gemma2":
                h = h + self.rms(a, p + ".post_attention_layernorm")
                h = h + self.rms(self.mlp(self.rms(h, p + ".pre_feedforward_layernorm"), i), p + ".post_feedforward_layernorm")
            else:
                h = h + a
                h = h + self.mlp(self.rms(h, p + ".post_attention_layernorm"), i)
        h = self.rms(h, "model.norm")
        logits = h[:, -1, :] @ self.w["lm_head.weight"].T
        cap = c.get("final_logit_softcapping") if self.mt == "gemma2" else None
        if cap:
            logits = torch.tanh(logits / cap) * cap
        return logits
