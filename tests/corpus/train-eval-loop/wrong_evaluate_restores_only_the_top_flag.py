"""Violates 'afterwards the model is back in the mode it was in': only the top module's .training attribute is restored (model.training = was); its submodules (BatchNorm, Dropout) stay in eval mode after evaluate on a model that was training."""
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
        b = x.shape[0]
        total += loss.item() * b
        count += b
    return total / count


def evaluate(model, loader):
    modes = {model: model.training}
    model.eval()
    hits = seen = 0
    try:
        with torch.no_grad():
            for x, y in loader:
                hits += (model(x).argmax(dim=1) == y).sum().item()
                seen += y.shape[0]
    finally:
        for m, t in modes.items():
            m.training = t
    return hits / seen


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    best_acc, best_epoch, best_state, stale, history = None, 0, None, 0, []
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = evaluate(model, val_loader)
        history.append(acc)
        if best_acc is None or acc > best_acc:
            best_acc, best_epoch, stale = acc, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return {"best_epoch": best_epoch, "best_accuracy": float(best_acc) if best_acc is not None else 0.0,
            "history": history}
