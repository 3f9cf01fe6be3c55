"""README: evaluate: prediction = argmax over dim 1. Uses argmax over the last dim: the same for (N, C) logits, wrong for (N, C, L) outputs (per-position classes)."""
import copy
import torch


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    tot, cnt = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        n = int(yb.shape[0])
        tot += float(loss.detach()) * n
        cnt += n
    return tot / cnt


def _modes(model):
    return [(m, m.training) for m in model.modules()]


def evaluate(model, loader):
    saved = _modes(model)
    model.eval()
    good = seen = 0
    try:
        with torch.no_grad():
            for xb, yb in loader:
                good += int(torch.eq(model(xb).argmax(dim=-1), yb).sum())
                seen += int(yb.shape[0])
    finally:
        for m, flag in saved:
            m.train(flag) if False else setattr(m, "training", flag)
    return good / seen


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    best_acc, best_ep, best_state, bad = None, 0, None, 0
    hist = []
    for ep in range(1, max_epochs + 1):
        train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = evaluate(model, val_loader)
        hist.append(acc)
        if best_acc is None or acc > best_acc:
            best_acc, best_ep, bad = acc, ep, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return {"best_epoch": best_ep, "best_accuracy": float(best_acc) if best_acc is not None else 0.0, "history": hist}
