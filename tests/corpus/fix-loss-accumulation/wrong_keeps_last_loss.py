"""Violates "return the batch losses as Python floats, which hold no graph (a loss tensor kept after the loop keeps its
graph alive)": it returns floats but keeps the last loss tensor in a module global "for logging", so the last batch's
graph (and every tensor it reaches) stays alive after train_epoch returns."""
import torch

LAST_LOSS = None


def train_epoch(model, opt, batches):
    global LAST_LOSS
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        LAST_LOSS = loss
    return losses


def evaluate(model, batches):
    with torch.no_grad():
        return sum(((model(x) - y) ** 2).mean().item() for x, y in batches) / len(batches)
