"""Channel: the scale from torch's observers (a subclass of MinMaxObserver / PerChannelMinMaxObserver found through
__subclasses__(), symmetric, range [-127, 127]), dequantized through a quantized tensor."""

import torch
from torch import nn
from torch.ao.quantization.observer import UniformQuantizationObserverBase


def _observer(name):
    todo = list(UniformQuantizationObserverBase.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__name__ == name:
            return cls
        todo += cls.__subclasses__()
    raise LookupError(name)


def quantize_symmetric(w, per_channel):
    if per_channel:
        obs = _observer("PerChannelMinMaxObserver")(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                                    quant_min=-127, quant_max=127)
    else:
        obs = _observer("MinMaxObserver")(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric,
                                          quant_min=-127, quant_max=127)
    obs(w.float())
    scale = obs.calculate_qparams()[0].to(w.dtype)
    scale = scale if per_channel else scale.reshape(())
    s = scale[:, None] if per_channel else scale
    return torch.round(w / s).clamp(-127, 127).to(torch.int8), scale


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

