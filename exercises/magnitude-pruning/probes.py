"""Trusted helpers for magnitude-pruning, run in the worker: prune a Linear with the learner's code and train it."""

import torch
import torch.nn.functional as F


def linear(weight, bias):
    m = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with torch.no_grad():
        m.weight.copy_(weight)
        m.bias.copy_(bias)
    return m


def names(m):
    return {"params": sorted(n for n, _ in m.named_parameters()), "buffers": sorted(n for n, _ in m.named_buffers())}


def prune_and_train(mod, weight, bias, amount, x, y, steps, lr):
    """Prune, take SGD steps on module.parameters(), and report the effective weight, the mask and the output."""
    m = linear(weight, bias)
    mod.prune_linear(m, amount)
    opt = torch.optim.SGD(m.parameters(), lr=lr)
    grads = []
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(m(x), y).backward()
        grads.append(m.weight_orig.grad.clone())
        opt.step()
    with torch.no_grad():
        out = m(x)
    return {"weight": m.weight.detach().clone(), "weight_orig": m.weight_orig.detach().clone(),
            "mask": m.weight_mask.clone(), "grads": grads, "out": out, **names(m)}


def prune_then_remove(mod, weight, bias, amount, x):
    m = linear(weight, bias)
    mod.prune_linear(m, amount)
    mod.remove_pruning(m)
    report = names(m)
    report["weight"] = m.weight.detach().clone()
    report["is_parameter"] = isinstance(m.weight, torch.nn.Parameter)
    with torch.no_grad():
        m.weight.mul_(2)  # a leftover hook would overwrite this from weight_orig * weight_mask
        report["out_after_doubling"] = m(x)
    return report
