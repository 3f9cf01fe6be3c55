"""Trusted helpers for int8-weight-quantization, run in the worker: call the learner's functions, build QuantLinear.

They only drive the learner's code with the judge's tensors and return what it gave; every reference (scales,
int8 values, the dequantized Linear's output) is computed in the judge.
"""

import torch
from torch import nn
from grader import drive


def roundtrip(mod, w, per_channel):
    q, scale = mod.quantize_symmetric(w, per_channel)
    w_after = w.detach().clone()  # the caller's w, as quantize_symmetric left it
    deq = mod.dequantize(q, scale)
    return {"q": q, "scale": scale, "deq": deq, "w_after": w_after}


def _quantized(mod, weight, bias, per_channel):
    """An nn.Linear holding the judge's weight and bias, and the learner's QuantLinear.from_float of it
    (per_channel=None: from_float's default)."""
    lin = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None).to(weight.device, weight.dtype)
    with drive.grad_mode(False):
        lin.weight.copy_(weight)
        if bias is not None:
            lin.bias.copy_(bias)
    if per_channel is None:
        return lin, mod.QuantLinear.from_float(lin)
    return lin, mod.QuantLinear.from_float(lin, per_channel=per_channel)


def quant_linear(mod, weight, bias, per_channel, x):
    """QuantLinear.from_float on an nn.Linear holding the judge's weight and bias: its output on x (under no_grad, and
    with grad mode on, as returned), its state_dict, and its output again after the original Linear's weight and bias
    have been overwritten in place (it must not matter); also the Linear's weight and bias as from_float left them,
    and ("early") the output of a second QuantLinear whose Linear was overwritten before that QuantLinear's first call.
    per_channel=None calls from_float(lin) with its default."""
    lin, ql = _quantized(mod, weight, bias, per_channel)
    left = {"weight": lin.weight.detach().clone(), "bias": None if lin.bias is None else lin.bias.detach().clone()}
    with drive.grad_mode(False):
        out = ql(x)
    graded = ql(x)  # grad mode on: returned as it is (does it require grad?)
    with drive.grad_mode(False):
        lin.weight.fill_(1000.0)  # the float Linear changes: a QuantLinear that still reads it now gives other values
        if lin.bias is not None:
            lin.bias.fill_(-1000.0)
        again = ql(x)
    state = {k: v.detach().clone() for k, v in ql.state_dict().items()}
    with drive.grad_mode(False):  # a Linear takes (in,) and (..., in) inputs too
        out_1d = ql(x[0])
        out_3d = ql(x.reshape(2, -1, x.shape[-1]))
    # the module computes from its own int8 weight: load a state_dict whose int8 weight is negated
    sd = dict(ql.state_dict())
    keys = [k for k, v in sd.items() if isinstance(v, torch.Tensor) and v.dtype == torch.int8
            and tuple(v.shape) == tuple(weight.shape)]
    flipped = None
    if len(keys) == 1:
        sd[keys[0]] = -sd[keys[0]]
        ql.load_state_dict(sd)
        with drive.grad_mode(False):
            flipped = ql(x)
    # a second copy whose float Linear is overwritten before its first forward: a QuantLinear that quantizes (or
    # reads) the Linear lazily, at its first call, would pick up the new values
    lin2, ql2 = _quantized(mod, weight, bias, per_channel)
    with drive.grad_mode(False):
        lin2.weight.fill_(1000.0)
        if lin2.bias is not None:
            lin2.bias.fill_(-1000.0)
        early = ql2(x)
    return {"out": out, "graded": graded, "again": again, "state": state, "left": left, "out_1d": out_1d,
            "out_3d": out_3d, "flipped": flipped, "early": early}
