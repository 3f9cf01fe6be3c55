"""README: QuantLinear's forward equals the Linear computed with the dequantized weight. It uses torch.addmm (2-D only): a Linear accepts (in,) and (..., in) inputs, this forward raises for 1-D and 3-D inputs."""
import torch
from torch import nn
import torch.nn.functional as Fn


def quantize_symmetric(w, per_channel):
    mag = w.detach().abs()
    top = mag.amax(dim=1) if per_channel else mag.amax()
    scale = torch.where(top == 0, torch.ones_like(top), top / 127)
    s = scale.unsqueeze(-1) if per_channel else scale
    q = torch.clamp(torch.round(w.detach() / s), -127, 127).to(torch.int8)
    return q, scale


def dequantize(q, scale):
    s = scale[:, None] if scale.dim() == 1 else scale
    return q.to(scale.dtype) * s


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        self.register_buffer("qweight", qweight)
        self.register_buffer("scale", scale)
        self.register_buffer("bias", None if bias is None else bias.detach().clone())

    @classmethod
    def from_float(cls, linear, per_channel=True):
        q, s = quantize_symmetric(linear.weight.detach(), per_channel)
        return cls(q, s, linear.bias)

    def forward(self, x):
        w = dequantize(self.qweight, self.scale)
        if self.bias is None:
            return torch.mm(x, w.t())
        return torch.addmm(self.bias, x, w.t())
