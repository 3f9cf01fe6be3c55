"""Channel: Tensor.backward(). The gradient comes from autograd, and so does the sigmoid (the derivative of softplus)."""

import torch
import torch.nn.functional as F


def predict_proba(X, w, b):
    z = (X @ w + b).detach().requires_grad_()
    F.softplus(z).sum().backward()
    return z.grad


def loss_and_grad(X, y, w, b):
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    with torch.enable_grad():
        loss = F.binary_cross_entropy_with_logits(X @ w + b, y)
        loss.backward()
    return loss.detach(), w.grad, b.grad


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
