"""fit starts the best accuracy at 0.0, so a first epoch with accuracy 0.0 is not "better": no best state is ever
saved (and with an accuracy that stays at 0, load_state_dict(None) fails)."""

import copy

import torch


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
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
    best, best_epoch, best_state, bad, history = 0.0, 0, None, 0, []
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
    if best_state is not None:
        model.load_state_dict(best_state)
    return {"best_epoch": best_epoch, "best_accuracy": best, "history": history}
