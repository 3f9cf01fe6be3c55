"""Trusted helpers for activation-checkpointing, run in the worker: measure saved memory, compare gradients."""

import torch
from torch import nn


def make(seed, width, depth, dropout, device):
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        block = [nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width)]
        if dropout:
            block.append(nn.Dropout(0.3))
        layers.append(nn.Sequential(*block))
    return nn.Sequential(*layers).to(device=device, dtype=torch.float64)


def _saved_bytes(fn):
    storages = {}
    params = set()

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return out, storages


def run(mod, seed, width, depth, batch, dropout, x_grad, use_learner, device="cpu"):
    """Forward (learner's or plain) then backward; saved bytes (parameters excluded), calls per block, gradients."""
    blocks = make(seed, width, depth, dropout, device)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, width, generator=g, dtype=torch.float64).to(device).requires_grad_(x_grad)
    calls = [0] * depth
    for i, b in enumerate(blocks):
        b.register_forward_pre_hook(lambda m, inp, i=i: calls.__setitem__(i, calls[i] + 1))
    param_ptrs = {p.untyped_storage().data_ptr() for p in blocks.parameters()}
    torch.manual_seed(seed + 2)  # the dropout masks
    forward = (lambda: mod.checkpointed_forward(blocks, x)) if use_learner else (lambda: blocks(x))
    out, storages = _saved_bytes(forward)
    saved = sum(n for ptr, n in storages.items() if ptr not in param_ptrs)
    forward_calls = list(calls)
    report = {"saved": saved, "out": out.detach(), "requires_grad": bool(out.requires_grad), "forward_calls": forward_calls}
    if out.requires_grad:
        out.pow(2).sum().backward()
    report["calls"] = list(calls)
    report["x_grad"] = None if x.grad is None else x.grad.clone()
    report["grads"] = [None if p.grad is None else p.grad.clone() for p in blocks.parameters()]
    return report
