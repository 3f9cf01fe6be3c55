"""Per tensor, the scale is max(w) / 127 (signed) instead of max|w| / 127: wrong whenever the largest magnitude is
a negative weight (round 17)."""
import torch
from torch import nn
import torch.nn.functional as F


def quantize_symmetric(w, per_channel):
    if per_channel:
        m = torch.maximum(w.amax(dim=1), -w.amin(dim=1)).clamp_min(0)
    else:
        m = w.amax().clamp_min(0)
    scale = torch.where(m == 0, torch.ones_like(m), m / 127)
    s = scale.unsqueeze(1) if per_channel else scale
    q = torch.clamp(torch.round(w / s), -127, 127).to(torch.int8)
    return q, scale


def dequantize(q, scale):
    s = scale.unsqueeze(1) if scale.dim() == 1 else scale
    return q.to(scale.dtype) * s


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        self.register_buffer("qweight", qweight)
        self.register_buffer("scale", scale)
        self.register_buffer("bias", bias)

    @classmethod
    def from_float(cls, linear, per_channel=True):
        w = linear.weight.detach()
        q, scale = quantize_symmetric(w, per_channel)
        b = None if linear.bias is None else linear.bias.detach().clone()
        return cls(q, scale, b)

    def forward(self, x):
        return F.linear(x, dequantize(self.qweight, self.scale), self.bias)
