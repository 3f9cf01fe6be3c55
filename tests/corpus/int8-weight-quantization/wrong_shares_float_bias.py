"""Keeps the float Linear's bias Parameter itself instead of a copy: the quantized layer changes when the float
model's bias does, and its output requires grad."""

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
        self.bias = bias  # the float Linear's own bias Parameter, shared (and trainable)

    @classmethod
    def from_float(cls, linear, per_channel=True):
        with torch.no_grad():
            q, scale = quantize_symmetric(linear.weight, per_channel)
        return cls(q, scale, linear.bias)

    def forward(self, x):
        return F.linear(x, dequantize(self.w_int8, self.w_scale), self.bias)
