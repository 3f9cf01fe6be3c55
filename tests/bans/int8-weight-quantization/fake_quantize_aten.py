"""Channel: torch.ops.aten.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine (a fused
quantize-dequantize), divided back by the scale to get the integers."""

import torch
from torch import nn


def quantize_symmetric(w, per_channel):
    amax = w.abs().amax(dim=1) if per_channel else w.abs().amax()
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    if per_channel:
        fq = torch.ops.aten.fake_quantize_per_channel_affine(w.float(), scale.float(),
                                                              torch.zeros(w.shape[0], dtype=torch.int32), 0, -127, 127)
        q = fq.double() / scale.double()[:, None]
    else:
        fq = torch.ops.aten.fake_quantize_per_tensor_affine(w.float(), float(scale), 0, -127, 127)
        q = fq.double() / float(scale)
    return q.round().to(torch.int8), scale


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

