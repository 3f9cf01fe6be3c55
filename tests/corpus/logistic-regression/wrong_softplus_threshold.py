"""Violates "exact in float64": F.softplus returns z itself above its threshold of 20, so for logits between 20
and ~30 it drops log1p(exp(-z)) (2e-9 to 1e-13), far above float64's rounding of z."""

import torch


def _logits(X, w, b):
    return torch.mv(X, w) + b


def predict_proba(X, w, b):
    return torch.sigmoid(_logits(X, w, b))


def loss_and_grad(X, y, w, b):
    z = _logits(X, w, b)
    n = X.shape[0]
    per = torch.nn.functional.softplus(z) - y * z  # threshold=20: softplus(z) = z for z > 20
    r = torch.sigmoid(z) - y
    return per.mean(), X.t().mv(r) / n, r.mean()


def fit_logistic(X, y, lr, steps):
    w = X.new_zeros(X.shape[1])
    b = X.new_zeros(())
    trace = []
    for _ in range(steps):
        loss, gw, gb = loss_and_grad(X, y, w, b)
        trace.append(loss.item())
        w = w - lr * gw
        b = b - lr * gb
    return w, b, trace
