"""Violates "while the model still runs on one micro-batch at a time (one backward each)": a group of at most two micro-batches is concatenated and run as one batch with one backward ("cheap enough"), which keeps both micro-batches' activations alive at once and runs one backward instead of two."""

import torch
from torch.nn import functional as Fn


def _clear(model):
    for p in model.parameters():
        p.grad = None


def accumulated_grads(model, x, y, micro_batch_size):
    _clear(model)
    total = y.numel()
    for xb, yb in zip(x.split(micro_batch_size), y.split(micro_batch_size)):
        loss = Fn.mse_loss(model(xb), yb, reduction="sum") / total
        loss.backward()
    return {n: (p.grad.detach().clone() if p.grad is not None else None) for n, p in model.named_parameters()}


def train_accumulated(model, optimizer, batches, accum_steps):
    n_steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        optimizer.zero_grad()
        denom = sum(yb.numel() for _, yb in group)
        if len(group) <= 2:
            xs = torch.cat([xb for xb, _ in group]); ys = torch.cat([yb for _, yb in group])
            Fn.mse_loss(model(xs), ys).backward()
        else:
            for xb, yb in group:
                (Fn.mse_loss(model(xb), yb, reduction="sum") / denom).backward()
        optimizer.step()
        n_steps += 1
    return n_steps
