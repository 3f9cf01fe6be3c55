"""Writes the loss as mean(log1p(exp(z)) - y * z): exact for moderate logits, but exp overflows (past 709 in float64, 88 in float32) and the loss becomes inf."""

# %%
import torch
import torch.nn.functional as F


# %% [markdown]
# Logistic regression is one linear unit with a sigmoid: p = sigmoid(X @ w + b). Its mean
# binary cross-entropy has a simple gradient, which you write by hand here (no autograd):
#
#     loss = mean(softplus(z) - y * z),  z = X @ w + b     (the stable form of -log sigmoid)
#     dloss/dw = X^T (sigmoid(z) - y) / n,  dloss/db = mean(sigmoid(z) - y)

# %%
def predict_proba(X, w, b):
    return torch.sigmoid(X @ w + b)


def loss_and_grad(X, y, w, b):
    z = X @ w + b
    loss = (torch.log1p(torch.exp(z)) - y * z).mean()
    residual = (torch.sigmoid(z) - y) / X.shape[0]
    return loss, X.T @ residual, residual.sum()


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
