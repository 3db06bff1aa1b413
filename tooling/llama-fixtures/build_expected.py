"""Reference logits and integrated-gradients attributions for the tiny Llama-family models, written to
test-data/expected-arch/<name>/{forward,integrated_gradients}.json.

Run after build_models.py, with Debian's python3, from the repository root:
    /usr/bin/python3 tooling/llama-fixtures/build_expected.py

Integrated gradients as inseq drives Captum, by plain autograd in float64: attributed function = softmax probability
of the step's target at the last position; 50 Gauss-Legendre points (numpy leggauss mapped to [0, 1]);
baseline ids = the unknown token everywhere except positions holding eos; inputs and baselines are embeddings ×
embed scale; attribution = (x − b) · Σ wᵢ ∇f(b + αᵢ(x − b)); delta = Σ attribution − (f(x) − f(b)).
Decoder-only steps t run from the prompt length to the end, attributing the prefix [0, t).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from reference_model import DT, ReferenceModel  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402
from specs import MODELS, vocabulary  # noqa: E402
from word_tokenizer import encode  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
N_STEPS = 50


def gauss_legendre(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return [float(a) for a in 0.5 * (1 + x)], [float(s) for s in 0.5 * w]


def special_id(vocab, tok_cfg, key, fallback=None):
    token = tok_cfg.get(key) or fallback
    return vocab.index(token) if token in vocab else None


def probability(model, embeds, target):
    return torch.softmax(model.forward(embeds), dim=-1)[:, target]


def integrated_gradients(model, x, b, target, alphas, step_sizes):
    """x, b: (t, hidden). Returns attributions (t, hidden) and the convergence delta."""
    a = torch.tensor(alphas, dtype=DT)[:, None, None]
    path = (b[None] + a * (x - b)[None]).detach().requires_grad_(True)
    probs = probability(model, path, target)
    (grads,) = torch.autograd.grad(probs.sum(), path)
    total = (torch.tensor(step_sizes, dtype=DT)[:, None, None] * grads).sum(0)
    attr = (x - b) * total
    with torch.no_grad():
        fx = probability(model, x[None], target)[0]
        fb = probability(model, b[None], target)[0]
    return attr, float(attr.sum() - (fx - fb)), float(fx)


def greedy_words(model, prompt, vocab, n):
    """The model's greedy continuation of `prompt`, restricted to plain words (so that the text reads back)."""
    ids = list(prompt)
    words = [i for i, t in enumerate(vocab) if not t.startswith("<")]
    with torch.no_grad():
        for _ in range(n):
            logits = model.forward(model.embed(torch.tensor([ids])))[0]
            ids.append(max(words, key=lambda i: float(logits[i])))
    return [vocab[i] for i in ids[len(prompt):]]


def build(name, spec):
    folder = os.path.join(ROOT, "test-data", "models-arch", name)
    cfg = json.load(open(os.path.join(folder, "config.json")))
    tok_cfg = json.load(open(os.path.join(folder, "tokenizer_config.json")))
    model = ReferenceModel(cfg, read_safetensors(os.path.join(folder, "model.safetensors")))
    vocab = vocabulary(spec)
    unk_token = tok_cfg.get("unk_token") or "<unk>"
    eos = special_id(vocab, tok_cfg, "eos_token")
    unk = vocab.index(unk_token)
    case = dict(spec["case"])
    prompt = encode(case["input_text"], vocab, unk_token, spec["add_bos"])
    words = greedy_words(model, prompt, vocab, case["greedy"])
    if "messages" in case:
        case["answer"] = " ".join(words)
        case["generated_text"] = case["input_text"] + case["answer"] + case["answer_suffix"]
    else:
        case["generated_text"] = case["input_text"] + " " + " ".join(words)
    ids = encode(case["generated_text"], vocab, unk_token, spec["add_bos"])
    assert ids[: len(prompt)] == prompt, (name, prompt, ids)
    baseline = [i if i == eos else unk for i in ids]
    x_all = model.embed(torch.tensor(ids))
    b_all = model.embed(torch.tensor(baseline))

    with torch.no_grad():
        logits = [model.forward(model.embed(torch.tensor([ids[: t + 1]])))[0].tolist() for t in range(len(ids))]
    forward = {"model": name, "cases": [{"id": "case", "input_ids": ids, "logits_from_ids": logits,
                                          "note": "float64 reference; row t = logits at the last position of ids[:t+1]"}]}

    alphas, step_sizes = gauss_legendre(N_STEPS)
    steps = []
    for t in range(len(prompt), len(ids)):
        attr, delta, p = integrated_gradients(model, x_all[:t], b_all[:t], ids[t], alphas, step_sizes)
        steps.append({"step": t - len(prompt), "target_id": ids[t], "target_token": vocab[ids[t]], "prefix_len": t,
                      "probability": p, "delta": [delta], "target_attributions": attr.tolist()})
    ig = {
        "model": name, "model_type": cfg["model_type"], "method": "integrated_gradients",
        "torch_version": torch.__version__,
        "args": {"n_steps": N_STEPS, "method": "gausslegendre", "multiply_by_inputs": True,
                 "attributed_fn": "probability", "embed_scale": model.embed_scale, "alphas": alphas,
                 "step_sizes": step_sizes},
        "layout": {"steps[k].target_attributions": "[prefix_len][hidden] raw IG attribution of the prefix at step k",
                   "steps[k].delta": "[Σ attribution − (f(x) − f(baseline))]",
                   "target_ids": "ids of generated_text with a single leading BOS where the tokenizer adds one"},
        "cases": [{
            "id": "case", "input_text": case["input_text"], "generated_text": case["generated_text"],
            "messages": case.get("messages"), "answer": case.get("answer"),
            "target_tokens": [vocab[i] for i in ids], "target_ids": ids, "target_baseline_ids": baseline,
            "attr_pos_start": len(prompt), "attr_pos_end": len(ids), "steps": steps,
        }],
    }
    out = os.path.join(ROOT, "test-data", "expected-arch", name)
    os.makedirs(out, exist_ok=True)
    json.dump(forward, open(os.path.join(out, "forward.json"), "w"))
    json.dump(ig, open(os.path.join(out, "integrated_gradients.json"), "w"))
    print(name, "ids", ids, "p", [round(s["probability"], 4) for s in steps], "delta", [f"{s['delta'][0]:.1e}" for s in steps],
          "max|attr|", [f"{max(abs(v) for row in s['target_attributions'] for v in row):.1e}" for s in steps])


if __name__ == "__main__":
    torch.manual_seed(0)
    for name, spec in MODELS.items():
        build(name, spec)
