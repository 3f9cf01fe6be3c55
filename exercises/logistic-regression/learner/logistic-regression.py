# %% [markdown]
# # Logistic regression by hand: a stable loss, its gradient without autograd, plain gradient descent
#
# `logistic-regression` · code · easy · about 20 min
#
# For data `X (n, d)` and labels `y (n,)` in {0, 1} (float), weights `w (d,)` and a 0-d bias `b`, write without
# autograd and without `torch.optim`:
#
# * `predict_proba(X, w, b)`: `sigmoid(X @ w + b)`, shape `(n,)`;
# * `loss_and_grad(X, y, w, b)`: `(loss, dloss/dw, dloss/db)` for the mean binary cross-entropy, exact in float64 and
#   finite even when the logits are in the hundreds;
# * `fit_logistic(X, y, lr, steps)`: gradient descent from `w = 0`, `b = 0` (same dtype and device as X), `steps`
#   updates `w -= lr * dw`, `b -= lr * db`; returns `(w, b, losses)` with the loss before each update as a float.
#
# The gradients are compared with autograd and the descent is replayed step by step. The seed's sigmoid unit is
# written as a formula, but its code never applies the sigmoid.
#
# Check your work: `prep check logistic-regression`. Stuck? `prep hint logistic-regression`.

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
    raise NotImplementedError("logistic-regression: your code here")


def loss_and_grad(X, y, w, b):
    raise NotImplementedError("logistic-regression: your code here")


def fit_logistic(X, y, lr, steps):
    raise NotImplementedError("logistic-regression: your code here")
