"""Violates: 'a classmethod from_float(linear, per_channel=True)'. The default is per_channel=False, so QuantLinear.from_float(linear) quantizes per tensor (one scale, coarser rows)."""
import torch
from torch import nn
import torch.nn.functional as Fn


def _absmax(w, per_channel):
    return w.abs().amax(dim=-1) if per_channel else w.abs().max()


def quantize_symmetric(w, per_channel):
    m = _absmax(w, per_channel)
    scale = (m / 127).masked_fill(m == 0, 1.0)
    denom = scale[:, None] if per_channel else scale
    q = torch.round(torch.div(w, denom)).clamp(-127, 127).to(dtype=torch.int8)
    return q, scale


def dequantize(q, scale):
    return torch.einsum("rc,r->rc", q.to(scale.dtype), scale) if scale.ndim == 1 else q.to(scale.dtype) * scale


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        self.register_buffer("qweight", qweight.clone())
        self.register_buffer("scale", scale.clone())
        if bias is None:
            self.bias = None
        else:
            self.register_buffer("bias", bias.detach().clone())

    @classmethod
    def from_float(cls, linear, per_channel=False):
        with torch.no_grad():
            q, s = quantize_symmetric(linear.weight, per_channel)
        return cls(q, s, linear.bias)

    def forward(self, x):
        return Fn.linear(x, dequantize(self.qweight, self.scale), self.bias)
