"""Violates: "gradients left in .grad from before must not count" (equal to 1e-10): keeps the caller's .grad,
accumulates on top and subtracts the old value at the end; (old + g) - old is not g in floating point: with |old|
~ 1e8 the error is ~1e-8, and with old = inf or nan the result is nan."""

import torch
import torch.nn.functional as Fn
from torch.autograd import backward as run_backward


def _clear(params):
    for p in params:
        p.grad = None


def accumulated_grads(model, x, y, micro_batch_size):
    named = list(model.named_parameters())
    old = {n: (p.grad.clone() if p.grad is not None else None) for n, p in named}
    N = len(x)
    for xb, yb in zip(torch.split(x, micro_batch_size, dim=0), torch.split(y, micro_batch_size, dim=0)):
        run_backward(Fn.mse_loss(model(xb), yb).mul(len(xb) / N))
    for n, p in named:
        if old[n] is not None:
            p.grad -= old[n]
    return {n: torch.clone(p.grad) for n, p in named}


def train_accumulated(model, optimizer, batches, accum_steps):
    batches = list(batches)
    n_steps = 0
    i = 0
    while i < len(batches):
        group = batches[i:i + accum_steps]
        i += accum_steps
        weight_total = sum(int(yb.numel()) for _, yb in group)
        optimizer.zero_grad(set_to_none=True)
        for xb, yb in group:
            pred = model(xb)
            run_backward(Fn.mse_loss(pred, yb, reduction="sum") / weight_total)
        optimizer.step()
        n_steps += 1
    return n_steps
