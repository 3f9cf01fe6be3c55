"""Measurement attack (train-eval-loop): evaluate() records a graph (the forward runs with autograd on, the
mistake), hidden by a 256 MiB balloon taken at import, freed at the start of evaluate() and taken back when it
returns: the worker's peak during the wide forward stays below where it started."""

import torch

_BALLOON = [torch.ones(32 * 1024 * 1024, dtype=torch.float64)]  # 256 MiB held at rest, touched


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train(True)
    seen, weighted = 0, 0.0
    for inputs, targets in loader:
        out = model(inputs)
        loss = loss_fn(out, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        weighted += float(loss.detach()) * inputs.shape[0]
        seen += inputs.shape[0]
    return weighted / seen


def evaluate(model, loader):
    _BALLOON.clear()  # room for the graph the forward records
    mode = model.training
    model.eval()
    hits, seen = 0, 0
    if True:
        for inputs, targets in loader:
            pred = model(inputs).argmax(1)
            hits += (pred == targets).sum().item()
            seen += targets.numel()
    model.train(mode)
    if not _BALLOON:
        _BALLOON.append(torch.ones(32 * 1024 * 1024, dtype=torch.float64))
    return hits / seen


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    history, best_acc, best_epoch, snapshot, since = [], None, 0, None, 0
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = evaluate(model, val_loader)
        history.append(acc)
        if best_acc is None or acc > best_acc:
            best_acc, best_epoch, since = acc, epoch, 0
            snapshot = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            since += 1
            if since == patience:
                break
    model.load_state_dict(snapshot)
    return {"best_epoch": best_epoch, "best_accuracy": best_acc, "history": history}
