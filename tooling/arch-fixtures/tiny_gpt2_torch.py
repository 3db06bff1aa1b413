"""A GPT-2 LM (Hugging Face `GPT2LMHeadModel` eager forward, same parameter names) in plain PyTorch, for ONNX export."""
import math

import torch
from torch import nn


class Conv1D(nn.Module):
    """HF's `Conv1D`: weight stored (in, out), `addmm(bias, x, weight)`."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.zeros(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = Conv1D(3 * n_embd, n_embd)
        self.c_proj = Conv1D(n_embd, n_embd)

    def forward(self, x, mask):
        b, t, h = x.shape
        q, k, v = self.c_attn(x).split(h, dim=2)
        split = lambda z: z.view(b, t, self.n_head, h // self.n_head).permute(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(h // self.n_head)
        w = w + mask
        w = torch.softmax(w, dim=-1)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).reshape(b, t, h)
        return self.c_proj(out)


class MLP(nn.Module):
    def __init__(self, n_embd, inner):
        super().__init__()
        self.c_fc = Conv1D(inner, n_embd)
        self.c_proj = Conv1D(n_embd, inner)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=eps)
        self.attn = Attention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd, eps=eps)
        self.mlp = MLP(n_embd, 4 * n_embd)

    def forward(self, x, mask):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.h = nn.ModuleList([Block(c["n_embd"], c["n_head"], c["layer_norm_epsilon"]) for _ in range(c["n_layer"])])
        self.ln_f = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        m = attention_mask.to(torch.float32)
        position_ids = (torch.cumsum(m, 1) - 1).clamp(min=0).to(torch.int64)
        x = self.wte(input_ids) + self.wpe(position_ids)
        causal = torch.triu(torch.full((t, t), -1e9), diagonal=1)
        mask = causal[None, None] + ((1.0 - m) * -1e9)[:, None, None, :]
        for block in self.h:
            x = block(x, mask)
        return self.ln_f(x)


class GPT2LMHeadModel(nn.Module):
    """Inputs `input_ids`, `attention_mask` (left padding: positions from the mask); output `logits`."""

    def __init__(self, c):
        super().__init__()
        self.transformer = Transformer(c)
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight

    def forward(self, input_ids, attention_mask):
        return self.lm_head(self.transformer(input_ids, attention_mask))
