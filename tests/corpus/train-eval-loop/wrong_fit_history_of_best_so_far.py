"""WRONG: fit()'s history records the best accuracy so far instead of each epoch's own accuracy (red-team round 19:
full marks under seeds 1 and 3 before the fixed case manual_seed(17) was added); breaks "history: [accuracy of each epoch run]"."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch


def _snapshot(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@dataclass
class _Best:
    epoch: int = 0
    accuracy: float = float("-inf")
    state: dict = field(default_factory=dict)

    def offer(self, epoch: int, accuracy: float, model) -> bool:
        if self.epoch and not accuracy > self.accuracy:
            return False
        self.epoch, self.accuracy, self.state = epoch, accuracy, _snapshot(model)
        return True


def train_one_epoch(model, loader, optimizer, loss_fn) -> float:
    model.train()
    seen, weighted = 0, 0.0
    for x, y in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        weighted += loss.item() * len(y)
        seen += len(y)
    return weighted / seen


def evaluate(model, loader) -> float:
    mode = model.training
    model.eval()
    hits = seen = 0
    with torch.no_grad():
        for x, y in loader:
            hits += int((model(x).argmax(1) == y).sum())
            seen += len(y)
    model.train(mode)
    return hits / seen


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs: int, patience: int) -> dict:
    if max_epochs < 1 or patience < 1:
        raise ValueError(f"max_epochs and patience must be >= 1, got {max_epochs}, {patience}")
    best, history, stale = _Best(), [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = evaluate(model, val_loader)
        stale = 0 if best.offer(epoch, acc, model) else stale + 1
        history.append(best.accuracy)
        if stale == patience:
            break
    model.load_state_dict(best.state)
    return {"best_epoch": best.epoch, "best_accuracy": best.accuracy, "history": history}
