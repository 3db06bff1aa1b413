"""BART / mBART / M2M-100 conditional-generation forwards in plain PyTorch, written after Hugging Face's
modeling_bart.py, modeling_mbart.py and modeling_m2m_100.py (eager attention, eval mode), with the same parameter
names, so that its state dict is a Hugging Face checkpoint. Used to compute the reference numbers of
test-data/expected-arch; the `transformers` package is not needed.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

ACT = {"gelu": F.gelu, "relu": F.relu}


class ScaledEmbedding(nn.Embedding):
    """`BartScaledWordEmbedding` / `M2M100ScaledWordEmbedding`: embedding × embed_scale."""

    def __init__(self, num, dim, padding_idx, scale):
        super().__init__(num, dim, padding_idx)
        self.embed_scale = scale

    def forward(self, ids):
        return super().forward(ids) * self.embed_scale


class LearnedPositions(nn.Embedding):
    """`BartLearnedPositionalEmbedding`: arange(seq_len) + offset 2."""

    def __init__(self, num, dim):
        super().__init__(num + 2, dim)

    def forward(self, shape):
        bsz, seq_len = shape
        return super().forward(torch.arange(seq_len).expand(bsz, -1) + 2)


def m2m_table(num_embeddings, dim, padding_idx):
    """`M2M100SinusoidalPositionalEmbedding.get_embedding`."""
    half = dim // 2
    emb = math.log(10000) / (half - 1)
    emb = torch.exp(torch.arange(half, dtype=torch.int64).float() * -emb)
    emb = torch.arange(num_embeddings, dtype=torch.int64).float().unsqueeze(1) * emb.unsqueeze(0)
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1).view(num_embeddings, -1)
    if dim % 2 == 1:
        emb = torch.cat([emb, torch.zeros(num_embeddings, 1)], dim=1)
    emb[padding_idx, :] = 0
    return emb


class SinusoidalPositions(nn.Module):
    """`M2M100SinusoidalPositionalEmbedding` (buffer, not saved): ids → cumsum(ids ≠ pad)·mask + pad; embeds → sequential."""

    def __init__(self, num, dim, padding_idx):
        super().__init__()
        self.padding_idx = padding_idx
        self.register_buffer("weights", m2m_table(num + 2, dim, padding_idx), persistent=False)

    def forward(self, input_ids=None, inputs_embeds=None):
        if input_ids is not None:
            mask = input_ids.ne(self.padding_idx).int()
            pos = (torch.cumsum(mask, dim=1).type_as(mask)) * mask + self.padding_idx
        else:
            bsz, seq_len = inputs_embeds.shape[:2]
            pos = torch.arange(self.padding_idx + 1, seq_len + self.padding_idx + 1).unsqueeze(0).expand(bsz, seq_len)
        return self.weights.index_select(0, pos.reshape(-1)).view(pos.shape[0], pos.shape[1], -1)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scaling = self.head_dim ** -0.5
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x, kv=None, mask=None):
        kv = x if kv is None else kv
        b, t, _ = x.shape
        s = kv.shape[1]
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(kv).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(kv).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        w = torch.matmul(q, k.transpose(2, 3)) * self.scaling
        if mask is not None:
            w = w + mask
        w = F.softmax(w, dim=-1)
        out = torch.matmul(w, v).transpose(1, 2).reshape(b, t, -1)
        return self.out_proj(out)


class Layer(nn.Module):
    """Encoder layer, or decoder layer with `cross`; post-LN (BART) or pre-LN (mBART, M2M-100)."""

    def __init__(self, c, decoder, pre_ln):
        super().__init__()
        d = c["d_model"]
        heads = c["decoder_attention_heads" if decoder else "encoder_attention_heads"]
        ffn = c["decoder_ffn_dim" if decoder else "encoder_ffn_dim"]
        self.pre_ln = pre_ln
        self.act = ACT[c["activation_function"]]
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        if decoder:
            self.encoder_attn = Attention(d, heads)
            self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def block(self, x, ln, f):
        return x + f(ln(x)) if self.pre_ln else ln(x + f(x))

    def forward(self, x, mask, enc=None, enc_mask=None):
        x = self.block(x, self.self_attn_layer_norm, lambda h: self.self_attn(h, mask=mask))
        if enc is not None:
            x = self.block(x, self.encoder_attn_layer_norm, lambda h: self.encoder_attn(h, kv=enc, mask=enc_mask))
        return self.block(x, self.final_layer_norm, lambda h: self.fc2(self.act(self.fc1(h))))


def padding_mask(mask, dtype=torch.float32):
    """(b, s) 1/0 → additive (b, 1, 1, s) with finfo.min, as HF's `_prepare_4d_attention_mask`."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


class Stack(nn.Module):
    def __init__(self, c, decoder):
        super().__init__()
        t = c["model_type"]
        d = c["d_model"]
        scale = math.sqrt(d) if c["scale_embedding"] else 1.0
        self.model_type = t
        self.embed_tokens = ScaledEmbedding(c["vocab_size"], d, c["pad_token_id"], scale)
        if t == "m2m_100":
            self.embed_positions = SinusoidalPositions(c["max_position_embeddings"], d, c["pad_token_id"])
        else:
            self.embed_positions = LearnedPositions(c["max_position_embeddings"], d)
        n = c["decoder_layers" if decoder else "encoder_layers"]
        self.layers = nn.ModuleList([Layer(c, decoder, t != "bart") for _ in range(n)])
        if t != "m2m_100":
            self.layernorm_embedding = nn.LayerNorm(d)
        if t != "bart":
            self.layer_norm = nn.LayerNorm(d)

    def forward(self, input_ids=None, inputs_embeds=None, attention_mask=None, enc=None, enc_mask=None, causal=False):
        if inputs_embeds is None:
            inputs_embeds = self.embed_tokens(input_ids)
        if self.model_type == "m2m_100":
            pos = self.embed_positions(input_ids, inputs_embeds)
        else:
            pos = self.embed_positions(inputs_embeds.shape[:2])
        h = inputs_embeds + pos
        if hasattr(self, "layernorm_embedding"):
            h = self.layernorm_embedding(h)
        b, t = h.shape[:2]
        mask = None
        if attention_mask is not None:
            mask = padding_mask(attention_mask)
        if causal:
            c = torch.triu(torch.full((t, t), torch.finfo(torch.float32).min), diagonal=1)[None, None]
            mask = c if mask is None else mask + c
        for layer in self.layers:
            h = layer(h, mask, enc, enc_mask)
        if hasattr(self, "layer_norm"):
            h = self.layer_norm(h)
        return h


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.shared = ScaledEmbedding(c["vocab_size"], c["d_model"], c["pad_token_id"], 1.0)
        self.encoder = Stack(c, False)
        self.decoder = Stack(c, True)
        self.encoder.embed_tokens.weight = self.shared.weight
        self.decoder.embed_tokens.weight = self.shared.weight


class ForConditionalGeneration(nn.Module):
    """`model` + tied `lm_head` (+ `final_logits_bias` for BART / mBART)."""

    def __init__(self, c):
        super().__init__()
        self.model = Seq2Seq(c)
        self.lm_head = nn.Linear(c["d_model"], c["vocab_size"], bias=False)
        self.lm_head.weight = self.model.shared.weight
        if c["model_type"] != "m2m_100":
            self.register_buffer("final_logits_bias", torch.zeros((1, c["vocab_size"])))

    def forward(self, input_ids=None, attention_mask=None, decoder_input_ids=None, inputs_embeds=None, decoder_inputs_embeds=None):
        enc = self.model.encoder(input_ids=input_ids, inputs_embeds=inputs_embeds, attention_mask=attention_mask)
        enc_mask = None if attention_mask is None else padding_mask(attention_mask)
        dec = self.model.decoder(input_ids=decoder_input_ids, inputs_embeds=decoder_inputs_embeds, enc=enc, enc_mask=enc_mask, causal=True)
        logits = self.lm_head(dec)
        if hasattr(self, "final_logits_bias"):
            logits = logits + self.final_logits_bias
        return logits
