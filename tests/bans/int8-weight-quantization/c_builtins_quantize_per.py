"""Channel: the C builtins torch.quantize_per_tensor / torch.quantize_per_channel (then int_repr), and
torch._make_per_*_quantized_tensor(...).dequantize() for the way back."""

import torch
from torch import nn


def _scale(w, per_channel):
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    return torch.where(amax > 0, amax / 127, torch.ones_like(amax))


def quantize_symmetric(w, per_channel):
    scale = _scale(w, per_channel)
    if per_channel:
        qt = torch.quantize_per_channel(w, scale.double(), torch.zeros(w.shape[0], dtype=torch.long), 0, torch.qint8)
    else:
        qt = torch.quantize_per_tensor(w, float(scale), 0, torch.qint8)
    return qt.int_repr().clamp(-127, 127), scale


def dequantize(q, scale):
    if scale.dim() == 0:
        return torch._make_per_tensor_quantized_tensor(q, float(scale), 0).dequantize().to(scale.dtype)
    return torch._make_per_channel_quantized_tensor(q, scale.double(), torch.zeros_like(scale, dtype=torch.long),
                                                    0).dequantize().to(scale.dtype)


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        self.register_buffer("qweight", qweight)
        self.register_buffer("scale", scale)
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone(), requires_grad=False)

    @classmethod
    def from_float(cls, linear, per_channel=True):
        q, scale = quantize_symmetric(linear.weight.detach(), per_channel)
        return cls(q, scale, linear.bias)

    def forward(self, x):
        return nn.functional.linear(x, dequantize(self.qweight, self.scale), self.bias)

