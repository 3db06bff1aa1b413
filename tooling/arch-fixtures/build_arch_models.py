"""Builds the tiny random BART / mBART / M2M-100 fixtures (Hugging Face layout, word-level tokenizer.json) under
test-data/models-arch/<model_type>/ and their reference numbers under test-data/expected-arch/<model_type>/:

- forward.json: logits (float64 reference forward, from ids) at every decoder prefix of each case;
- integrated_gradients.json: inseq's integrated gradients of the source (50 Gauss-Legendre points, baselines <unk>
  except </s>, attributed function = probability of the target token, decoder prefix given as fixed embeddings),
  per step, with the step probability and convergence delta.

The decoder ids are `[decoder_start_token_id, forced_bos_token_id?] + tokens + [</s>]` as Hugging Face generation and
`text_target` labels build them (BART: forced `<s>` from config.json; mBART-50: `fr_XX`; M2M-100: `__fr__`).
Run with Debian's python3 (python3-torch, python3-numpy): /usr/bin/python3 tooling/arch-fixtures/build_arch_models.py
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from bart_family_torch import ForConditionalGeneration  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "test-data", "models-arch")
EXPECTED = os.path.join(ROOT, "test-data", "expected-arch")

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
WORDS = (
    "the a cat dog sat is on in at mat house garden big small red green and with under runs sleeps eats fish bird tree "
    "le la chat chien est assis sur dans au tapis maison jardin grand petit rouge vert et avec sous court dort mange poisson oiseau arbre"
).split()
LANGS = {"bart": None, "mbart": ("en_XX", "fr_XX"), "m2m_100": ("__en__", "__fr__")}
CASES = [
    ("natural", "the cat sat on the mat", "le chat est assis sur le tapis"),
    ("greedy", "the dog eats fish", None),  # generated text: the model's own greedy continuation (words only)
]
GREEDY_TOKENS = 5
N_STEPS = 50


def vocab_for(model_type):
    tokens = SPECIALS + WORDS + (list(LANGS[model_type]) if LANGS[model_type] else [])
    return {t: i for i, t in enumerate(tokens)}


def config_for(model_type, vocab_size):
    arch = {"bart": "BartForConditionalGeneration", "mbart": "MBartForConditionalGeneration", "m2m_100": "M2M100ForConditionalGeneration"}[model_type]
    return {
        "architectures": [arch], "model_type": model_type, "vocab_size": vocab_size, "d_model": 32,
        "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4, "decoder_attention_heads": 4,
        "encoder_ffn_dim": 48, "decoder_ffn_dim": 48, "max_position_embeddings": 32,
        "activation_function": "relu" if model_type == "m2m_100" else "gelu",
        "scale_embedding": model_type != "bart", "dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0,
        "encoder_layerdrop": 0.0, "decoder_layerdrop": 0.0, "init_std": 0.02, "is_encoder_decoder": True, "use_cache": True,
        "bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 2, "forced_eos_token_id": 2,
        "forced_bos_token_id": 0 if model_type == "bart" else None, "tie_word_embeddings": True, "torch_dtype": "float32",
    }


def tokenizer_json(model_type, vocab):
    lang = LANGS[model_type]
    first = "<s>" if model_type == "bart" else lang[0]
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True} for t in SPECIALS + (list(lang) if lang else [])]
    special = lambda t: {"SpecialToken": {"id": t, "type_id": 0}}
    seq = lambda s: {"Sequence": {"id": s, "type_id": 0}}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special(first), seq("A"), special("</s>")],
            "pair": [special(first), seq("A"), seq("B"), special("</s>")],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in (first, "</s>")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"},
    }


def encode(vocab, text, model_type, template=True):
    """What the tokenizer.json above computes: whitespace words → ids (unk for OOV), template on request."""
    ids = [vocab.get(w, vocab["<unk>"]) for w in text.split()]
    if not template:
        return ids
    first = "<s>" if model_type == "bart" else LANGS[model_type][0]
    return [vocab[first]] + ids + [vocab["</s>"]]


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_norm.weight") or name.endswith("layernorm_embedding.weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=g))
            elif "embed_positions" in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
            elif name == "model.shared.weight":
                p.copy_(0.25 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]))
        if hasattr(model, "final_logits_bias"):
            model.final_logits_bias.copy_(0.1 * torch.randn(model.final_logits_bias.shape, generator=g))


def state_dict_to_save(model):
    """Like save_pretrained: tied copies (encoder / decoder embed_tokens, lm_head) are not stored."""
    skip = {"model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"}
    return {k: v.detach().float().numpy() for k, v in model.state_dict().items() if k not in skip}


def gauss_legendre(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1), 0.5 * w


def greedy_words(model, vocab, src, prefix):
    """Greedy continuation of `prefix` restricted to word tokens (no specials / language codes), as text."""
    words = {i: w for w, i in vocab.items() if w in WORDS}
    ids = list(prefix)
    with torch.no_grad():
        for _ in range(GREEDY_TOKENS):
            logits = model(input_ids=torch.tensor([src]), decoder_input_ids=torch.tensor([ids]))[0, -1]
            ids.append(max(words, key=lambda i: logits[i].item()))
    return " ".join(words[i] for i in ids[len(prefix):])


def build(model_type, seed):
    vocab = vocab_for(model_type)
    config = config_for(model_type, len(vocab))
    out = os.path.join(MODELS, model_type)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    model = ForConditionalGeneration(config).eval()
    randomize(model, seed)
    write_safetensors(os.path.join(out, "model.safetensors"), state_dict_to_save(model), {"format": "pt"})
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    json.dump({"bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "decoder_start_token_id": 2, "forced_eos_token_id": 2}, open(os.path.join(out, "generation_config.json"), "w"), indent=2)
    json.dump(tokenizer_json(model_type, vocab), open(os.path.join(out, "tokenizer.json"), "w"), indent=2, ensure_ascii=False)
    tok_config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>", "model_max_length": 32, "clean_up_tokenization_spaces": False}
    json.dump(tok_config, open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)
    json.dump({k: tok_config[k] for k in ("bos_token", "eos_token", "unk_token", "pad_token")}, open(os.path.join(out, "special_tokens_map.json"), "w"), indent=2)

    model = model.double()
    scale = math.sqrt(config["d_model"]) if config["scale_embedding"] else 1.0
    table = model.model.shared.weight.detach()
    forced = {"bart": vocab["<s>"], "mbart": vocab.get("fr_XX"), "m2m_100": vocab.get("__fr__")}[model_type]
    prefix = [config["decoder_start_token_id"], forced]
    alphas, weights = gauss_legendre(N_STEPS)
    forward_cases, ig_cases = [], []
    for case_id, source, target in CASES:
        src = encode(vocab, source, model_type)
        if target is None:
            target = greedy_words(model, vocab, src, prefix)
        tgt = prefix + encode(vocab, target, model_type, template=False) + [vocab["</s>"]]
        base = [i if i == vocab["</s>"] else vocab["<unk>"] for i in src]
        tgt_base = [i if (j < len(prefix) or i == vocab["</s>"]) else vocab["<unk>"] for j, i in enumerate(tgt)]
        src_t = torch.tensor([src])
        with torch.no_grad():
            logits = [model(input_ids=src_t, attention_mask=torch.ones_like(src_t), decoder_input_ids=torch.tensor([tgt[:t]]))[0, -1].tolist() for t in range(1, len(tgt) + 1)]
        forward_cases.append({"id": case_id, "source_ids": src, "decoder_input_ids": tgt, "logits_from_ids": logits})
        x = table[src_t] * scale
        b = table[torch.tensor([base])] * scale
        steps = []
        for t in range(len(prefix), len(tgt)):
            dec = (table[torch.tensor([tgt[:t]])] * scale).expand(N_STEPS, -1, -1)
            a = torch.tensor(alphas).view(-1, 1, 1)
            inp = (b + a * (x - b)).requires_grad_(True)
            mask = torch.ones(N_STEPS, len(src), dtype=torch.long)
            prob = torch.softmax(model(inputs_embeds=inp, attention_mask=mask, decoder_inputs_embeds=dec)[:, -1], dim=-1)[:, tgt[t]]
            (grads,) = torch.autograd.grad(prob.sum(), inp)
            attr = (x - b)[0] * (torch.tensor(weights).view(-1, 1, 1) * grads).sum(0)
            with torch.no_grad():
                f = lambda e: torch.softmax(model(inputs_embeds=e, attention_mask=mask[:1], decoder_inputs_embeds=dec[:1])[0, -1], dim=-1)[tgt[t]].item()
                fx, fb = f(x), f(b)
            steps.append({"step": t, "target_id": tgt[t], "prefix_len": t, "probability": fx, "delta": [attr.sum().item() - (fx - fb)], "source_attributions": attr.tolist()})
        ig_cases.append({
            "id": case_id, "input_text": source, "generated_text": target, "source_ids": src, "source_baseline_ids": base,
            "target_ids": tgt, "target_baseline_ids": tgt_base, "attr_pos_start": len(prefix), "attr_pos_end": len(tgt), "steps": steps,
        })
    os.makedirs(os.path.join(EXPECTED, model_type), exist_ok=True)
    common = {"model": f"models-arch/{model_type}", "model_type": model_type, "torch_version": torch.__version__, "reference": "tooling/arch-fixtures/bart_family_torch.py (float64)", "load_options": {"bart": {}, "mbart": {"tgtLang": "fr_XX"}, "m2m_100": {"tgtLang": "fr"}}[model_type]}
    json.dump({**common, "cases": forward_cases}, open(os.path.join(EXPECTED, model_type, "forward.json"), "w"))
    ig_args = {"method": "integrated_gradients", "n_steps": N_STEPS, "approximation": "gausslegendre", "alphas": alphas.tolist(), "weights": weights.tolist(), "baseline": "<unk> except </s>", "attributed_fn": "probability", "embed_scale": scale}
    json.dump({**common, "method": "integrated_gradients", "args": ig_args, "cases": ig_cases}, open(os.path.join(EXPECTED, model_type, "integrated_gradients.json"), "w"))
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(model_type, "vocab", len(vocab), "model folder", size, "bytes; probabilities", [round(s["probability"], 4) for c in ig_cases for s in c["steps"]][:8])


def main():
    torch.set_num_threads(1)
    for i, model_type in enumerate(("bart", "mbart", "m2m_100")):
        build(model_type, 1234 + i)


if __name__ == "__main__":
    main()
