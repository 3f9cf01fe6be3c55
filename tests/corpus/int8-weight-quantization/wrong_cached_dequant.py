"""README: forward equals the Linear computed with the dequantized weight (of the module's qweight/scale). The dequantized weight is computed once in __init__ and kept as a plain attribute: after load_state_dict of another quantized weight (or .to(float64)) the forward still uses the stale float weight."""
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
        self._w = dequantize(qweight, scale)

    @classmethod
    def from_float(cls, linear, per_channel=True):
        q, s = quantize_symmetric(linear.weight.detach(), per_channel)
        return cls(q, s, linear.bias)

    def forward(self, x):
        return Fn.linear(x, self._w, self.bias)
