"""Breaks: "gradient descent from w = 0, b = 0 (same dtype and device as X)". How: w and b start on the CPU, in X's dtype (fails for CUDA data)."""
"""Reference solution for logistic-regression (seeds 003-18, 000-22)."""

# %%
import torch


# %% [markdown]
# Logistic regression is one linear unit with a sigmoid: p = sigmoid(X @ w + b). Its mean
# binary cross-entropy has a simple gradient, which you write by hand here (no autograd):
#
#     loss = mean(softplus(z) - y * z),  z = X @ w + b     (the stable form of -log sigmoid)
#          = mean(max(z, 0) - y * z + log1p(exp(-|z|)))   (exact: no cut-off, no cancellation)
#     dloss/dw = X^T (sigmoid(z) - y) / n,  dloss/db = mean(sigmoid(z) - y)

# %%
def predict_proba(X, w, b):
    return torch.sigmoid(X @ w + b)


def loss_and_grad(X, y, w, b):
    z = X @ w + b
    # never log(0) nor exp overflow; F.softplus would return z itself above 20, dropping log1p(exp(-z)) ~ 2e-9
    loss = (z.clamp(min=0) - y * z + torch.log1p(torch.exp(-z.abs()))).mean()
    residual = (torch.sigmoid(z) - y) / X.shape[0]
    return loss, X.T @ residual, residual.sum()


def fit_logistic(X, y, lr, steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype)
    b = torch.zeros((), dtype=X.dtype)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
