"""Measurement attack (fix-loss-accumulation): train_epoch returns floats but keeps every loss tensor in a module
list (the mistake: each graph, and every tensor it reaches, stays alive), hidden by a 128 MiB balloon taken at import
and freed at the start of an epoch over large inputs, so the worker holds no more after the epoch than before it."""
import torch

_BALLOON = [torch.ones(16 * 1024 * 1024, dtype=torch.float64)]  # 128 MiB held at rest, touched
HISTORY = []


def train_epoch(model, opt, batches):
    base = batches[0][0]._base if batches else None
    if base is not None and base.numel() >= 1024 * 1024:
        _BALLOON.clear()  # room for the graphs kept below
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        HISTORY.append(loss)
    return losses


def evaluate(model, batches):
    total = 0.0
    n = 0
    with torch.no_grad():
        for x, y in batches:
            total += ((model(x) - y) ** 2).mean().item()
            n += 1
    return total / n
