"""Trains only on full batches: a batch smaller than the first one is skipped."""

# %%
import copy

import torch


# %% [markdown]
# A loader is any iterable of `(x, y)` batches; the last batch may be smaller.
# `model.train()` / `model.eval()` switch Dropout and BatchNorm between their training and
# inference behaviour, and `torch.no_grad()` stops evaluation from recording a graph.

# %%
def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    full = None
    for x, y in loader:
        full = full or len(x)
        if len(x) < full:
            continue
        optimizer.zero_grad()  # else this batch's gradient adds to the previous ones
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)  # .item(): a float, so no graph is kept alive
        count += len(x)
    return total / count


def evaluate(model, loader):
    was_training = model.training
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(dim=1) == y).sum())
            count += len(y)
    model.train(was_training)
    return correct / count


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    best, best_epoch, best_state, bad, history = -1.0, 0, None, 0, []
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        accuracy = evaluate(model, val_loader)
        history.append(accuracy)
        if accuracy > best:
            best, best_epoch, bad = accuracy, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad >= patience:
                break
    model.load_state_dict(best_state)
    return {"best_epoch": best_epoch, "best_accuracy": best, "history": history}
