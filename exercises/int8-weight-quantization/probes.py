"""Trusted helpers for int8-weight-quantization, run in the worker: quantize, measure, build QuantLinear."""

import torch
from torch import nn


def roundtrip(mod, w, per_channel):
    q, scale = mod.quantize_symmetric(w, per_channel)
    deq = mod.dequantize(q, scale)
    return {"q": q, "scale": scale, "deq": deq}


def quant_linear(mod, seed, per_channel, x):
    torch.manual_seed(seed)
    lin = nn.Linear(32, 16).to(x.device)
    with torch.no_grad():
        lin.weight.mul_(torch.logspace(-2, 1, 16, device=x.device)[:, None])  # rows of very different sizes
    ql = mod.QuantLinear.from_float(lin, per_channel=per_channel)
    with torch.no_grad():
        out, want = ql(x), lin(x)
    state = ql.state_dict()
    int8 = [k for k, v in state.items() if v.dtype == torch.int8 and tuple(v.shape) == (16, 32)]
    float_weights = [k for k, v in state.items() if v.is_floating_point() and tuple(v.shape) == (16, 32)]
    return {"out": out, "want": want, "int8": int8, "float_weights": float_weights}
