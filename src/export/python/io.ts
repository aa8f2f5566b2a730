/** Python: imports, safetensors reading and writing (the package when installed), forward-mode JVP. */
export const PREAMBLE = String.raw`import argparse
import glob
import json
import math
import os
import struct
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.autograd import forward_ad
`;

export const SAFETENSORS = String.raw`
# ----------------------------------------------------------------------------------------------
# safetensors files (checkpoints, loss-check batches): the safetensors package when installed,
# else this small reader/writer of the same format (8-byte header length, JSON header, data).
# ----------------------------------------------------------------------------------------------
DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}


def load_safetensors(path):
    """(tensors, metadata) of a .safetensors file."""
    try:
        from safetensors import safe_open
    except ImportError:
        safe_open = None
    if safe_open is not None:
        with safe_open(path, "pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}, dict(f.metadata() or {})
    with open(path, "rb") as fh:
        raw = fh.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, h in header.items():
        if h["dtype"] not in DTYPES:
            raise SystemExit(f"{path}: tensor {name} has dtype {h['dtype']}; this reader knows {list(DTYPES)}")
        begin, end = h["data_offsets"]
        data = bytearray(raw[8 + n + begin : 8 + n + end])
        flat = torch.frombuffer(data, dtype=DTYPES[h["dtype"]]) if end > begin else torch.zeros(0)
        tensors[name] = flat.reshape(h["shape"]).clone()
    return tensors, metadata


def save_safetensors(tensors, path, metadata=None):
    """Writes tensors (name -> tensor) and string metadata; largest elements first, then by name."""
    items = sorted(((k, v.detach().contiguous().cpu()) for k, v in tensors.items()),
                   key=lambda kv: (-kv[1].element_size(), kv[0]))
    header, blobs, offset = {}, [], 0
    for name, t in items:
        blob = t.view(torch.int16).numpy().tobytes() if t.element_size() == 2 else t.numpy().tobytes()
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ----------------------------------------------------------------------------------------------
# Forward-mode derivatives: torch.func.jvp where present (PyTorch >= 2.0), else
# torch.autograd.forward_ad (PyTorch 1.13). Reverse mode differentiates through either.
# ----------------------------------------------------------------------------------------------
def jvp(fn, primals, tangents):
    """(fn(*primals), the derivative of fn along tangents): one forward pass in dual numbers."""
    func = getattr(torch, "func", None)
    if func is not None and hasattr(func, "jvp"):
        return func.jvp(fn, tuple(primals), tuple(tangents))
    with forward_ad.dual_level():
        out = fn(*[forward_ad.make_dual(p, d) for p, d in zip(primals, tangents)])
        primal, tangent = forward_ad.unpack_dual(out)
        return primal, (torch.zeros_like(primal) if tangent is None else tangent)
`;
