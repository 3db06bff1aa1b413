"""Minimal safetensors reader/writer for the Llama-family fixtures (the `safetensors` package is not installable here).

Format: 8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}}, raw data.
F32 / F16 / BF16 tensors; everything is read back as torch float32.
"""
import json
import struct

import torch

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def write_safetensors(path, tensors, dtype="F32"):
    """Writes `tensors` (name -> float tensor) in `dtype` (F32, F16 or BF16), names sorted as safetensors does."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(_DTYPES[dtype]).contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if dtype in ("F16", "BF16") else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode("utf8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def read_safetensors(path):
    """Reads every tensor of a safetensors file as float32."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(body[start:end])
        dtype = info["dtype"]
        if dtype == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        else:
            t = torch.frombuffer(raw, dtype=torch.int16).view(_DTYPES[dtype]).to(torch.float32)
        out[name] = t.reshape(info["shape"]).clone()
    return out
