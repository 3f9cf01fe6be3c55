"""Helpers for fix-param-grads: build the layers (the judge builds the same ones for its references), call the learner's
functions in the worker and return raw results."""

import torch
import torch.nn as nn
from grader import drive


def make_layer(kind, params):
    """An nn.Linear(5, 3) or a small Sequential ("norm": with a BatchNorm1d, whose running statistics are buffers, not
    parameters; in eval mode, so that a forward leaves them as they are; "norm_train": the same in training mode, whose
    forward normalises with the batch's statistics; "shared": one nn.Linear(4, 4) used twice,
    Sequential(l, Tanh(), l), whose parameters are named once, "0.weight" and "0.bias"; "tied": two nn.Linear(4, 4)
    modules that share one weight (tied weights), Sequential(a, Tanh(), b) with b.weight = a.weight, whose parameters
    are named "0.weight", "0.bias" and "2.bias" (the shared weight once, under its first name); "partial":
    Sequential(Linear(4, 6), Tanh(), Linear(6, 2)) whose first weight is frozen (requires_grad False), with an extra
    Linear(6, 2), "3.weight" and "3.bias", that the forward never uses), with the given parameter values."""
    if kind == "linear":
        layer = nn.Linear(5, 3)
    elif kind == "shared":
        shared = nn.Linear(4, 4)
        layer = nn.Sequential(shared, nn.Tanh(), shared)
    elif kind == "tied":
        first, second = nn.Linear(4, 4), nn.Linear(4, 4)
        second.weight = first.weight
        layer = nn.Sequential(first, nn.Tanh(), second)
    elif kind == "partial":
        layer = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2), nn.Linear(6, 2))
        layer.forward = lambda x, layer=layer: layer[2](layer[1](layer[0](x)))  # layer[3] is never used
    elif kind in ("norm", "norm_train"):
        layer = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Tanh(), nn.Linear(6, 2))
        layer.train(kind == "norm_train")
    else:
        layer = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    layer = layer.to(dtype=params[0].dtype, device=params[0].device)
    with drive.grad_mode(False):
        for p, v in zip(layer.parameters(), params):
            p.copy_(v)
    if kind == "partial":
        layer[0].weight.requires_grad_(False)
    return layer


def param_grads(mod, kind, params, x, t, stale=None, calls=1, later=None):
    """Call the learner's param_grads (calls times on the same batch); optionally put stale gradients in .grad first.
    With `later` (another (x, t) batch), the first result is kept and returned after every .grad was zeroed in
    place (as zero_grad(set_to_none=False) does) and a further call on that batch.
    Returns the result, every parameter's .grad afterwards, x.grad, and x and t (their values) afterwards."""
    layer = make_layer(kind, params)
    if stale is not None:
        for p, g in zip(layer.parameters(), stale):
            p.grad = g.clone()
    x = x.detach()
    for _ in range(calls):
        got = mod.param_grads(layer, x, t)
    if later is not None:
        for p in layer.parameters():
            if p.grad is not None:
                p.grad.zero_()
        mod.param_grads(layer, later[0].detach(), later[1])
    if isinstance(got, dict):
        got = {k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in got.items()}
    return {"value": got, "left_in_grad": {n: p.grad for n, p in layer.named_parameters()}, "x_grad": x.grad,
            "inputs_after": [x.detach().clone(), t.detach().clone()]}


def manual(mod, x, W, b, t, inputs_after=False, raw=False):
    """linear_mse_grads inside torch.inference_mode() (autograd records nothing there), on inputs made there. With
    inputs_after: [the result, [x, W, b, t] (copies of their values) after the call]. The result is sent as a list
    when it is a tuple, unless raw (then as returned, so that the judge sees its type)."""
    with torch.inference_mode():
        x, W, b, t = (a.clone() for a in (x, W, b, t))
        out = mod.linear_mse_grads(x, W, b, t)
        after = [a.clone() for a in (x, W, b, t)]
    out = list(out) if isinstance(out, tuple) and not raw else out
    return [out, after] if inputs_after else out
