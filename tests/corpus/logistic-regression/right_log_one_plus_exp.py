"""Right by the task text ("exact up to the rounding of the logits themselves: a loss term far below that, such as log1p(exp(-40)), may round away"): log(1 + exp(-|z|)) instead of log1p, written blind in round 12 as a mistake against the earlier wording."""


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
    ### BEGIN SOLUTION
    return torch.sigmoid(X @ w + b)
    ### END SOLUTION


def loss_and_grad(X, y, w, b):
    ### BEGIN SOLUTION
    z = X @ w + b
    # never log(0) nor exp overflow; F.softplus would return z itself above 20, dropping log1p(exp(-z)) ~ 2e-9
    loss = (z.clamp(min=0) - y * z + torch.log(1 + torch.exp(-z.abs()))).mean()
    residual = (torch.sigmoid(z) - y) / X.shape[0]
    return loss, X.T @ residual, residual.sum()
    ### END SOLUTION


def fit_logistic(X, y, lr, steps):
    ### BEGIN SOLUTION
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = loss_and_grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(loss.item())
    return w, b, losses
    ### END SOLUTION
