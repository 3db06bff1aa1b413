#!/usr/bin/env python3
"""PyTorch reference timing for the attribution benchmark (decoder-only GPT-2 in Hugging Face layout).

Runs the same workload as inseq's step-wise attribution — for each generated token t, attribute p(token_t | prefix)
to the prefix embeddings, baselines = <unk> ids (eos kept), Gauss-Legendre integrated gradients or saliency — with
plain PyTorch (one thread), and prints one JSON line with the median wall time and the attributions' per-step sums
so a port can check it computed the same thing before comparing times.

    python3 torch_reference.py --model DIR --input "w1 w2 ..." --generated "w1 w2 ... wN" \
        --method integrated_gradients --n-steps 20 --internal-batch-size 20 --repeats 3

Copied from ../shared/bench (the project's reference) with additive changes for the inseq.js bench: process CPU
time per repeat (``cpu_times_s``, ``median_cpu_s``: the wall time of a shared machine is noisy), the process's peak
RSS (``peak_rss_bytes``, ``loaded_rss_bytes``), the BLAS library torch loaded (``blas``), ``--lm-head last`` (the LM
head at the attributed position only: a tuned PyTorch baseline next to Hugging Face's all-position forward) and
``--dump PATH`` (every step's ``(prefix_len, hidden)`` attributions as little-endian float32, step after step) so
that the port can compare full attributions, not only their sums.

Needs Debian's python3-torch and python3-numpy. The tokenizer must be word-level (tokenizer.json WordLevel model,
whitespace-separated words). models.py and safetensors_io.py beside this file hold the GPT-2 and the file reader.
"""
import argparse, json, os, resource, statistics, sys, time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import load_model  # noqa: E402


def word_ids(model_dir, text):
    tok = json.load(open(os.path.join(model_dir, "tokenizer.json")))
    vocab = tok["model"]["vocab"]
    unk = tok["model"].get("unk_token", "<unk>")
    return [vocab.get(w, vocab[unk]) for w in text.split()], vocab[unk]


def attribute(model, ids, prompt_len, unk_id, eos_id, method, n_steps, ibs, keep=None, lm_head="all"):
    emb = model.get_input_embeddings().weight
    out = []
    for t in range(prompt_len, len(ids)):
        prefix = torch.tensor([ids[:t]])
        base_ids = torch.tensor([[i if i == eos_id else unk_id for i in ids[:t]]])
        x = emb[prefix].detach()
        b = emb[base_ids].detach()
        target = ids[t]

        def prob(e):
            if lm_head == "last":  # the LM head at the attributed position only (as inseq.js does)
                logits = model.lm_head(model.transformer(inputs_embeds=e)[:, -1, :])
            else:  # Hugging Face's forward: logits at every position, as inseq runs it
                logits = model(inputs_embeds=e).logits[:, -1, :]
            return torch.softmax(logits, -1)[:, target]

        if method == "saliency":
            xe = x.clone().requires_grad_(True)
            g, = torch.autograd.grad(prob(xe).sum(), xe)
            attr = g.abs()
        elif method == "integrated_gradients":
            nodes, weights = np.polynomial.legendre.leggauss(n_steps)
            alphas = torch.tensor((nodes + 1) / 2, dtype=torch.float32)
            w = torch.tensor(weights / 2, dtype=torch.float32)
            total = torch.zeros_like(x)
            for s in range(0, n_steps, ibs):
                a = alphas[s:s + ibs].view(-1, 1, 1)
                xe = (b + a * (x - b)).requires_grad_(True)
                g, = torch.autograd.grad(prob(xe).sum(), xe)
                total += (g * w[s:s + ibs].view(-1, 1, 1)).sum(0, keepdim=True)
            attr = total * (x - b)
        else:
            raise SystemExit(f"unknown method {method}")
        out.append(float(attr.sum()))
        if keep is not None:
            keep.append(attr.detach().reshape(-1).numpy().astype("<f4"))
    return out


def blas_library():
    """File name of the BLAS library mapped into this process (Debian's reference libblas is ~10x slower than OpenBLAS)."""
    try:
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if "blas" in line.lower() or "mkl" in line.lower()}
        return ", ".join(sorted(os.path.basename(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--generated", required=True)
    ap.add_argument("--method", default="integrated_gradients")
    ap.add_argument("--n-steps", type=int, default=20)
    ap.add_argument("--internal-batch-size", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dump", default=None, help="write every step's attributions (float32 LE) to this file")
    ap.add_argument("--lm-head", choices=["all", "last"], default="all",
                    help="all: Hugging Face's forward (logits at every position, as inseq runs it); "
                         "last: the LM head at the last position only")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_grad_enabled(True)
    model = load_model(a.model).eval()
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    ids, unk = word_ids(a.model, a.generated)
    prompt_len = len(word_ids(a.model, a.input)[0])
    eos = cfg.get("eos_token_id")
    loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kept = []
    attribute(model, ids, prompt_len, unk, eos, a.method, a.n_steps, a.internal_batch_size, kept, a.lm_head)  # warm-up
    if a.dump:
        with open(a.dump, "wb") as fh:
            for arr in kept:
                fh.write(arr.tobytes())
    times, cpu_times, sums = [], [], None
    for _ in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        sums = attribute(model, ids, prompt_len, unk, eos, a.method, a.n_steps, a.internal_batch_size, lm_head=a.lm_head)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "method": a.method, "n_steps": a.n_steps,
                      "generated_tokens": len(ids) - prompt_len, "median_s": statistics.median(times),
                      "times_s": times, "median_cpu_s": statistics.median(cpu_times), "cpu_times_s": cpu_times,
                      "threads": torch.get_num_threads(), "blas": blas_library(), "lm_head": a.lm_head,
                      "loaded_rss_bytes": loaded_rss,
                      "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "step_attribution_sums": sums}))


if __name__ == "__main__":
    main()
