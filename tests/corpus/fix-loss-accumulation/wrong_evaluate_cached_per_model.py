"""State across calls: evaluate memoises its result per (id(model), len(batches)), so an
evaluation after training returns the stale value. First call right.
"""
import torch


def train_epoch(model, opt, batches):
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


_SEEN = {}


def evaluate(model, batches):
    key = (id(model), len(batches))
    if key in _SEEN:
        return _SEEN[key]
    total_loss = 0.0
    with torch.no_grad():
        for x, y in batches:
            total_loss += ((model(x) - y) ** 2).mean().item()
    _SEEN[key] = total_loss / len(batches)
    return _SEEN[key]
