"""Breaks: "changing the float Linear's weight or bias afterwards changes nothing". Angle: P. How: from_float keeps a reference to the Linear and re-quantizes its current weight lazily on the first forward."""
"""Reference solution for int8-weight-quantization (seed 001-29)."""

# %%
import torch
from torch import nn


# %% [markdown]
# The seed quantizes with `torch.quantization.quantize_dynamic(model, {nn.Linear, nn.Conv2d}, dtype=torch.qint8)`.
# It runs, but the Conv2d is silently left in float (dynamic quantization covers Linear and RNN layers), the API is
# deprecated in torch 2.x (in favour of torchao), and the accuracy it claims is never measured. Here you write
# weight-only int8 quantization yourself, the core of what such APIs do.
#
# **Symmetric quantization**: `q = clamp(round(w / scale), -127, 127)` as int8, with `scale = max|w| / 127`, so the
# largest weight maps to ±127; `dequantize(q, scale) = q * scale`, and each weight is off by at most `scale / 2`.
# Per tensor there is one scale; **per channel** there is one per output row (`w[i]`), which keeps small rows
# precise when row magnitudes differ. A row (or tensor) of zeros gets scale 1.
#
# 1. `quantize_symmetric(w, per_channel) -> (q, scale)` for a 2-D float weight: `q` int8 of w's shape; `scale` float
#    of w's dtype, shape `()` per tensor or `(rows,)` per channel.
# 2. `dequantize(q, scale)`: the float weights back (w's dtype is scale's dtype).
# 3. `QuantLinear.from_float(linear, per_channel=True)`: a module whose forward equals `linear` computed with the
#    dequantized weight, storing the weight only as an int8 buffer `qweight` (plus `scale` and the float `bias`).

# %%
def quantize_symmetric(w, per_channel):
    ### BEGIN SOLUTION
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    s = scale[:, None] if per_channel else scale
    q = torch.clamp(torch.round(w / s), -127, 127).to(torch.int8)
    return q, scale
    ### END SOLUTION


def dequantize(q, scale):
    ### BEGIN SOLUTION
    s = scale[:, None] if scale.dim() == 1 else scale
    return q.to(scale.dtype) * s
    ### END SOLUTION


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        ### BEGIN SOLUTION
        self.register_buffer("qweight", qweight)
        self.register_buffer("scale", scale)
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(), requires_grad=False)
        ### END SOLUTION

    @classmethod
    def from_float(cls, linear, per_channel=True):
        ### BEGIN SOLUTION
        q, scale = quantize_symmetric(linear.weight.detach(), per_channel)
        m = cls(q, scale, linear.bias)
        m.__dict__["_src"] = (linear, per_channel)
        return m
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        src = self.__dict__.pop("_src", None)
        if src is not None:
            q, s = quantize_symmetric(src[0].weight.detach(), src[1])
            self.qweight.copy_(q)
            self.scale.copy_(s)
        return nn.functional.linear(x, dequantize(self.qweight, self.scale), self.bias)
        ### END SOLUTION
