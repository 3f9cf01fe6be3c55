"""Violates: fit makes 'steps updates': it stops early when the loss changes by less than 1e-6 between steps (returns fewer losses and the parameters of an earlier step)."""
import torch


def _logits(X, w, b):
    return torch.matmul(X, w).add(b)


def predict_proba(X, w, b):
    return _logits(X, w, b).sigmoid()


def loss_and_grad(X, y, w, b):
    z = _logits(X, w, b)
    zero = torch.zeros_like(z)
    # -log p(y|z) = log(1 + e^z) - y z   written as logaddexp(0, z) - y z; or per label:
    per = torch.where(y > 0.5, torch.logaddexp(zero, -z), torch.logaddexp(zero, z))
    loss = per.sum() / len(y)
    resid = torch.special.expit(z) - y
    dw = torch.mv(X.t(), resid).div(len(y))
    db = resid.sum().div(len(y))
    return loss, dw, db


def fit_logistic(X, y, lr, steps):
    d = X.shape[-1]
    params = [torch.zeros(d, dtype=X.dtype, device=X.device), torch.tensor(0, dtype=X.dtype, device=X.device)]
    losses = []
    step = 0
    while step < steps:
        L, gw, gb = loss_and_grad(X, y, *params)
        if losses and abs(losses[-1] - float(L)) < 1e-6:
            break
        losses.append(float(L))
        params = [p - lr * g for p, g in zip(params, (gw, gb))]
        step += 1
    return params[0], params[1], losses
