"""Violates "return the batch losses as Python floats, which hold no graph (a loss tensor kept after the loop keeps its
graph alive)": it returns floats but also appends each loss tensor to a module-level HISTORY list, so every batch's
graph (and every tensor it reaches) stays alive after train_epoch returns."""
import torch


HISTORY = []


def train_epoch(model, opt, batches):
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
