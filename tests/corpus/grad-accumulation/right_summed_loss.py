"""A correct solution written differently: per-sample squared errors summed, divided by the total element count."""

import torch


def _sse(model, x, y):
    return ((model(x) - y) ** 2).sum()


def accumulated_grads(model, x, y, micro_batch_size):
    for p in model.parameters():
        p.grad = None
    denom = y.numel()
    start = 0
    while start < x.shape[0]:
        stop = min(start + micro_batch_size, x.shape[0])
        (_sse(model, x[start:stop], y[start:stop]) / denom).backward()
        start = stop
    return {name: p.grad.detach().clone() for name, p in model.named_parameters()}


def train_accumulated(model, optimizer, batches, accum_steps):
    groups = [batches[i:i + accum_steps] for i in range(0, len(batches), accum_steps)]
    for group in groups:
        optimizer.zero_grad()
        denom = sum(yb.numel() for _, yb in group)
        for xb, yb in group:
            (_sse(model, xb, yb) / denom).backward()
        optimizer.step()
    return len(groups)
