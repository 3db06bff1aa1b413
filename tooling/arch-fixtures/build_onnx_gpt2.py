"""Builds the ONNX-only GPT-2 fixtures of test-data/models-arch from models/tiny-gpt2 (same weights):

- onnx-gpt2:           onnx/model.onnx from torch.onnx.export (inline data; lm_head a folded `onnx::MatMul_*` copy)
- onnx-gpt2-external:  onnx/model.onnx + onnx/model.onnx_data (external data), every 2-D weight of a Gemm/MatMul
                       renamed anonymously (`onnx::Gemm_<n>`), as exporters do, so loaders must map them through the graph
- onnx-gpt2-quantized: only onnx/model_quantized.onnx (int8 weights + DequantizeLinear): must be refused

Run with Debian's python3 (python3-torch, python3-numpy, python3-onnx): /usr/bin/python3 tooling/arch-fixtures/build_onnx_gpt2.py
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import read_safetensors  # noqa: E402
from tiny_gpt2_torch import GPT2LMHeadModel  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "models", "tiny-gpt2")
OUT = os.path.join(ROOT, "test-data", "models-arch")
META = ["config.json", "generation_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]


def folder(name):
    path = os.path.join(OUT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "onnx"))
    for f in META:
        shutil.copy(os.path.join(SRC, f), path)
    return path


def export(path):
    config = json.load(open(os.path.join(SRC, "config.json")))
    model = GPT2LMHeadModel(config).eval()
    state = {k: torch.from_numpy(v) for k, v in read_safetensors(os.path.join(SRC, "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert set(missing) <= {"lm_head.weight"} and not unexpected, (missing, unexpected)
    ids = torch.tensor([[5, 6, 7, 8]])
    torch.onnx.export(
        model, (ids, torch.ones_like(ids)), path, input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
        opset_version=14, do_constant_folding=True,
    )
    with torch.no_grad():
        return model(ids, torch.ones_like(ids)).numpy()


def anonymize(model):
    """Renames every 2-D initializer consumed by Gemm / MatMul to `onnx::<Op>_<n>` (node inputs too)."""
    graph = model.graph
    names = {t.name for t in graph.initializer if len(t.dims) == 2}
    renames, n = {}, 1000
    for node in graph.node:
        if node.op_type in ("Gemm", "MatMul"):
            for i, inp in enumerate(node.input):
                if inp in names and not inp.startswith("onnx::"):
                    renames.setdefault(inp, f"onnx::{node.op_type}_{n + len(renames)}")
                    node.input[i] = renames[inp]
    for t in graph.initializer:
        if t.name in renames:
            t.name = renames[t.name]
    # a name still used by another op (wte by Gather) keeps a named copy
    still_used = {inp for node in graph.node for inp in node.input}
    for old, new in renames.items():
        if old in still_used:
            t = next(t for t in graph.initializer if t.name == new)
            copy = onnx.TensorProto()
            copy.CopyFrom(t)
            copy.name = old
            graph.initializer.append(copy)
    return renames


def quantize(model):
    """Replaces each Gemm / MatMul weight by int8 + DequantizeLinear (what `model_quantized.onnx` files hold)."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    new_nodes = []
    for node in graph.node:
        if node.op_type in ("Gemm", "MatMul") and node.input[1] in inits and len(inits[node.input[1]].dims) == 2:
            w = numpy_helper.to_array(inits[node.input[1]])
            scale = float(np.abs(w).max() / 127) or 1.0
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            base = node.input[1]
            graph.initializer.remove(inits[base])
            graph.initializer.extend([numpy_helper.from_array(q, base + "_quantized"), numpy_helper.from_array(np.array(scale, np.float32), base + "_scale")])
            new_nodes.append(helper.make_node("DequantizeLinear", [base + "_quantized", base + "_scale"], [base], name=base + "_DequantizeLinear"))
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)


def main():
    inline = folder("onnx-gpt2")
    logits = export(os.path.join(inline, "onnx", "model.onnx"))
    model = onnx.load(os.path.join(inline, "onnx", "model.onnx"))
    onnx.checker.check_model(model)

    external = folder("onnx-gpt2-external")
    ext = onnx.load(os.path.join(inline, "onnx", "model.onnx"))
    renames = anonymize(ext)
    onnx.checker.check_model(ext)
    onnx.save_model(ext, os.path.join(external, "onnx", "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx_data", size_threshold=0)

    quantized = folder("onnx-gpt2-quantized")
    q = onnx.load(os.path.join(inline, "onnx", "model.onnx"))
    quantize(q)
    onnx.checker.check_model(q)
    onnx.save_model(q, os.path.join(quantized, "onnx", "model_quantized.onnx"))

    print("renamed:", len(renames), "e.g.", list(renames.items())[:3])
    print("initializers:", [(t.name, list(t.dims)) for t in model.graph.initializer][:8], "...")
    print("logits[0, -1, :4] =", logits[0, -1, :4])
    for name in ("onnx-gpt2", "onnx-gpt2-external", "onnx-gpt2-quantized"):
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(OUT, name)) for f in fs)
        print(name, size, "bytes")


if __name__ == "__main__":
    main()
