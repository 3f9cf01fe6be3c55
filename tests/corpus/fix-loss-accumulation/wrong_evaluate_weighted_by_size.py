"""Violates "evaluate(model, batches) -> float: the mean of the batch losses": it weights each batch by its size (a
mean over samples), which differs from the mean of the batch losses when the last batch is smaller."""
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


def evaluate(model, batches):
    total = 0.0
    n = 0
    with torch.no_grad():
        for x, y in batches:
            total += ((model(x) - y) ** 2).sum().item() / y[0].numel()
            n += len(y)
    return total / n
