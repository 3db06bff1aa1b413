#!/usr/bin/env python3
"""PyTorch 2.x peer of the inseq.js bench: the Hugging Face model, attributed step by step as inseq does.

    python hf_reference.py --model DIR --input "w1 w2 ..." --generated "w1 w2 ... wN" \
        --method saliency|integrated_gradients [--n-steps 10 --internal-batch-size 10] [--repeats 3] [--warmup 1] \
        [--attributions full|sums] [--lm-head all|last]
    python hf_reference.py --model DIR --load-only

What it runs (inseq's decoder-only loop with forced generated text, Captum's attribution math):

- the model: ``AutoModelForCausalLM.from_pretrained(DIR, dtype=torch.float32)`` (``torch_dtype=`` before
  transformers 4.56) in eval mode. inseq attributes in float32: a BF16 checkpoint is upcast at load (exactly);
  the attention implementation is Hugging Face's default (``sdpa`` on torch 2.x), reported as ``attn_implementation``;
- the tokens: the folder's tokenizer (``PreTrainedTokenizerFast.from_pretrained(DIR)``, i.e. its tokenizer.json and
  tokenizer_config.json), or ``--input-ids`` / ``--generated-ids``;
- for each generated position t (prompt length ≤ t < len(generated)): the input is the prefix embeddings
  ``model.get_input_embeddings()(ids[:t])`` (detached), attention mask of ones; the attributed function is the
  softmax probability of ``ids[t]`` at the last position of Hugging Face's forward (logits at every position,
  as inseq runs it; ``--lm-head last``: the LM head at the last position only, a tuned baseline);
- saliency: ``|∂p/∂x|`` (Captum ``Saliency(abs=True)``);
- integrated gradients: Captum's ``IntegratedGradients`` with ``method="gausslegendre"`` — points
  ``α = (ν + 1)/2`` and weights ``w/2`` of ``numpy.polynomial.legendre.leggauss(n_steps)``, path points batched
  ``internal_batch_size`` at a time, ``(x − b) · Σ w·∂p/∂x``; the baseline ``b`` is the embedding of UNK ids (PAD
  when the tokenizer has no UNK) at every position except those holding EOS (``config.eos_token_id``), which keep
  it — the same ids as torch_reference.py and inseq.js's step loop pick.

Threads: torch's defaults. Nothing here calls ``torch.set_num_threads`` (unless ``--threads N`` asks for it) and the
bench strips ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` from the environment; the JSON
reports ``torch.get_num_threads()`` and ``torch.__config__.parallel_info()``, and ``matmul_gflops_before`` /
``_after``: the best-of-10 GFLOP/s of one [256x576]·[576x1536] product before and after the timed runs, which shows
when torch's OpenMP team was starved by other load on the machine.

Prints one JSON line: versions and threads, ``load_s`` (from_pretrained wall time), per-repeat wall and CPU seconds
(``time.process_time``, all threads), peak RSS (``ru_maxrss``), per-step attribution sums and |·| sums, the target
probabilities, and with ``--attributions full`` every step's ``(prefix_len · hidden)`` attributions.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

_T0 = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast  # noqa: E402

IMPORT_S = time.perf_counter() - _T0
transformers.utils.logging.disable_progress_bar()


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def versions():
    info = [line.strip() for line in torch.__config__.parallel_info().splitlines() if line.strip()]
    return {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "parallel_info_first_line": info[0] if info else "",
        "parallel_info": info,
        "blas": next((line for line in info if "Math Kernel" in line or "BLAS" in line.upper()), "unknown"),
    }


def matmul_gflops(repeats=10):
    """Best-of-N float32 GFLOP/s of a [256x576]·[576x1536] product: how much CPU torch got (a starved OpenMP team on
    a loaded machine shows here first)."""
    a, w = torch.randn(256, 576), torch.randn(576, 1536)
    for _ in range(3):
        a @ w
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ w
        best = min(best, time.perf_counter() - t0)
    return 2 * 256 * 576 * 1536 / best / 1e9


def load_model(model_dir):
    major_minor = tuple(int(p) for p in transformers.__version__.split(".")[:2])
    kw = {"dtype": torch.float32} if major_minor >= (4, 56) else {"torch_dtype": torch.float32}
    t0, c0 = time.perf_counter(), time.process_time()
    model = AutoModelForCausalLM.from_pretrained(model_dir, **kw)
    model.eval()
    return model, time.perf_counter() - t0, time.process_time() - c0


def parse_ids(text):
    return [int(v) for v in text.split(",") if v.strip()]


def special_ids(model, tok):
    base = tok.unk_token_id if tok.unk_token_id is not None else tok.pad_token_id
    if base is None:
        raise SystemExit("the tokenizer has neither an UNK nor a PAD token to build baselines from")
    eos = model.config.eos_token_id
    if eos is None:
        eos = tok.eos_token_id
    eos_ids = set(eos if isinstance(eos, (list, tuple)) else ([] if eos is None else [eos]))
    return base, eos_ids


def attribute(model, ids, prompt_len, base_id, eos_ids, method, n_steps, ibs, lm_head, keep=None):
    """inseq's step loop: one attribution per generated position. Returns (sums, abs_sums, probabilities)."""
    embed = model.get_input_embeddings()
    head = model.get_output_embeddings()
    sums, abs_sums, probs = [], [], []
    if method == "integrated_gradients":
        nodes, weights = np.polynomial.legendre.leggauss(n_steps)
        alphas = torch.tensor((nodes + 1) / 2, dtype=torch.float32)
        step_w = torch.tensor(weights / 2, dtype=torch.float32)
    for t in range(prompt_len, len(ids)):
        prefix = torch.tensor([ids[:t]])
        base_ids = torch.tensor([[i if i in eos_ids else base_id for i in ids[:t]]])
        with torch.no_grad():
            x = embed(prefix).detach()
            b = embed(base_ids).detach()
        target = ids[t]

        def prob(e):
            mask = torch.ones(e.shape[0], e.shape[1], dtype=torch.long)
            if lm_head == "last":
                logits = head(model.base_model(inputs_embeds=e, attention_mask=mask).last_hidden_state[:, -1, :])
            else:
                logits = model(inputs_embeds=e, attention_mask=mask).logits[:, -1, :]
            return torch.softmax(logits, dim=-1)[:, target]

        if method == "saliency":
            xe = x.clone().requires_grad_(True)
            p = prob(xe)
            (g,) = torch.autograd.grad(torch.unbind(p), xe)
            attr = g.abs()
            probs.append(float(p.detach()[0]))
        elif method == "integrated_gradients":
            total = torch.zeros_like(x)
            for s in range(0, n_steps, ibs):
                a = alphas[s:s + ibs].view(-1, 1, 1)
                xe = (b + a * (x - b)).requires_grad_(True)
                (g,) = torch.autograd.grad(torch.unbind(prob(xe)), xe)
                total += (g * step_w[s:s + ibs].view(-1, 1, 1)).sum(0, keepdim=True)
            attr = total * (x - b)
            with torch.no_grad():
                probs.append(float(prob(x)[0]))
        else:
            raise SystemExit(f"unknown method {method}")
        attr = attr.detach()
        sums.append(float(attr.sum()))
        abs_sums.append(float(attr.abs().sum()))
        if keep is not None:
            keep.append(attr.reshape(-1).tolist())
    return sums, abs_sums, probs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--load-only", action="store_true", help="time from_pretrained and exit")
    ap.add_argument("--input", default=None)
    ap.add_argument("--generated", default=None)
    ap.add_argument("--input-ids", default=None, help="comma-separated prompt ids (instead of --input)")
    ap.add_argument("--generated-ids", default=None, help="comma-separated prompt + continuation ids")
    ap.add_argument("--method", default="saliency")
    ap.add_argument("--n-steps", type=int, default=10)
    ap.add_argument("--internal-batch-size", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--attributions", choices=["full", "sums"], default="sums",
                    help="full: every step's attributions in the JSON (small workloads); sums: per-step sums only")
    ap.add_argument("--lm-head", choices=["all", "last"], default="all")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch.set_num_threads(N) (default: not called, torch's default threads)")
    a = ap.parse_args()
    if a.threads is not None:
        torch.set_num_threads(a.threads)
    torch.set_grad_enabled(True)
    out = {"impl": "hf-transformers", **versions(), "threads_set": a.threads, "import_s": IMPORT_S}
    model, load_s, load_cpu_s = load_model(a.model)
    out.update({"load_s": load_s, "load_cpu_s": load_cpu_s, "loaded_rss_bytes": peak_rss_bytes(),
                "attn_implementation": getattr(model.config, "_attn_implementation", None),
                "parameters": sum(p.numel() for p in model.parameters())})
    if a.load_only:
        out["peak_rss_bytes"] = peak_rss_bytes()
        print(json.dumps(out))
        return
    tok_t0 = time.perf_counter()
    tok = PreTrainedTokenizerFast.from_pretrained(a.model)
    out["tokenizer_load_s"] = time.perf_counter() - tok_t0
    if a.generated_ids is not None:
        ids = parse_ids(a.generated_ids)
        prompt = parse_ids(a.input_ids or "")
    else:
        ids = tok.encode(a.generated)
        prompt = tok.encode(a.input)
    if ids[:len(prompt)] != prompt:
        raise SystemExit("the generated ids do not start with the prompt ids (decoder-only models continue the prompt)")
    base_id, eos_ids = special_ids(model, tok)
    prompt_len = len(prompt)
    run = lambda keep=None: attribute(model, ids, prompt_len, base_id, eos_ids, a.method, a.n_steps,  # noqa: E731
                                      a.internal_batch_size, a.lm_head, keep)
    out["matmul_gflops_before"] = matmul_gflops()
    kept = [] if a.attributions == "full" else None
    for i in range(a.warmup):
        run(kept if i == 0 else None)
    times, cpu_times, result = [], [], None
    for i in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = run(kept if (a.warmup == 0 and i == 0) else None)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    sums, abs_sums, probs = result if result else run(kept)
    out.update({"method": a.method, "n_steps": a.n_steps, "internal_batch_size": a.internal_batch_size,
                "lm_head": a.lm_head, "prompt_tokens": prompt_len, "generated_tokens": len(ids) - prompt_len,
                "baseline_id": base_id, "eos_ids": sorted(eos_ids), "warmup": a.warmup,
                "times_s": times, "median_s": statistics.median(times) if times else None,
                "cpu_times_s": cpu_times, "median_cpu_s": statistics.median(cpu_times) if cpu_times else None,
                "peak_rss_bytes": peak_rss_bytes(), "step_attribution_sums": sums,
                "step_attribution_abs_sums": abs_sums, "step_probabilities": probs,
                "matmul_gflops_after": matmul_gflops()})
    if kept is not None:
        out["steps"] = kept
    print(json.dumps(out))


if __name__ == "__main__":
    main()
