"""Correct, written differently: a @torch.no_grad() helper for the counting, torch.set_grad_enabled(False) used as a
context manager (so it restores the mode itself), set_to_none=False zeroing, size taken from y, the best state kept
as a dict of clones, and a for/else-free loop with an explicit counter."""

import torch


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    loss_sum = torch.zeros((), dtype=torch.float64)
    samples = 0
    for batch in loader:
        x, y = batch
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.detach().double().cpu() * y.shape[0]
        samples += y.shape[0]
    return (loss_sum / samples).item()


@torch.no_grad()
def _hits(model, x, y):
    return (model(x).argmax(dim=1) == y).sum().item()


def evaluate(model, loader):
    previous = model.training
    model.train(False)
    hits = total = 0
    with torch.set_grad_enabled(False):
        for x, y in loader:
            hits += _hits(model, x, y)
            total += y.numel()
    model.train(previous)
    return float(hits) / total


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    record = {"best_epoch": 0, "best_accuracy": float("-inf"), "history": []}
    saved, stale = None, 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = evaluate(model, val_loader)
        record["history"].append(acc)
        if acc > record["best_accuracy"]:
            record["best_accuracy"], record["best_epoch"], stale = acc, epoch, 0
            saved = {name: t.clone() for name, t in model.state_dict().items()}
            continue
        stale += 1
        if stale == patience:
            break
    model.load_state_dict(saved)
    return record
