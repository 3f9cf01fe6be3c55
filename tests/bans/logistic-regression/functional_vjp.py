"""Channel: torch.autograd.functional.vjp, through the module's namespace."""

import torch
import torch.autograd.functional as AF
import torch.nn.functional as F


def predict_proba(X, w, b):
    z = X @ w + b
    return AF.vjp(lambda t: F.softplus(t).sum(), z)[1]


def loss_and_grad(X, y, w, b):
    loss, (dw, db) = AF.vjp(lambda w_, b_: F.binary_cross_entropy_with_logits(X @ w_ + b_, y), (w, b))
    return loss, dw, db


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
