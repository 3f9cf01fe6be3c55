"""Correct, another way: torch.div and torch.round on a keepdim maximum, buffers with other names (w_int8, w_scale),
the bias kept as an optional Parameter copy, dequantize through torch.mul with an unsqueezed scale."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def quantize_symmetric(w, per_channel):
    if per_channel:
        peak = w.abs().amax(dim=1, keepdim=True)
    else:
        peak = w.abs().max()
    step = peak / 127
    step = torch.where(peak == 0, torch.ones_like(step), step)
    q = torch.round(torch.div(w, step)).clamp(min=-127, max=127).to(torch.int8)
    return q, (step.squeeze(1) if per_channel else step)


def dequantize(q, scale):
    return torch.mul(q.to(dtype=scale.dtype), scale.unsqueeze(-1) if scale.ndim == 1 else scale)


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        self.register_buffer("w_int8", qweight)
        self.register_buffer("w_scale", scale)
        self.bias = nn.Parameter(bias.detach().clone(), requires_grad=False) if bias is not None else None

    @classmethod
    def from_float(cls, linear, per_channel=True):
        with torch.no_grad():
            q, scale = quantize_symmetric(linear.weight, per_channel)
        return cls(q, scale, linear.bias)

    def forward(self, x):
        return F.linear(x, dequantize(self.w_int8, self.w_scale), self.bias)
