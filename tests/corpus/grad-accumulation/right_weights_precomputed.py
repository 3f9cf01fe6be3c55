"""Correct, written differently: the micro-batch boundaries computed with range() and slicing (not split), each
micro-batch's share precomputed from its row count, gradients read back from named_parameters into a dict of
detached clones, and train_accumulated walking the list with an index and a counter (optimizer.zero_grad() with its
default, set_to_none)."""

import torch
import torch.nn.functional as F


def accumulated_grads(model, x, y, micro_batch_size):
    for p in model.parameters():
        p.grad = None
    total = len(x)
    for start in range(0, total, micro_batch_size):
        xb, yb = x[start:start + micro_batch_size], y[start:start + micro_batch_size]
        share = len(xb) / total
        loss = F.mse_loss(model(xb), yb)
        (share * loss).backward()
    return {name: p.grad.detach().clone() for name, p in model.named_parameters()}


def train_accumulated(model, optimizer, batches, accum_steps):
    steps, i = 0, 0
    while i < len(batches):
        group = batches[i:i + accum_steps]
        rows = sum(len(xb) for xb, _ in group)
        optimizer.zero_grad()
        for xb, yb in group:
            (F.mse_loss(model(xb), yb) * len(xb) / rows).backward()
        optimizer.step()
        steps += 1
        i += accum_steps
    return steps
