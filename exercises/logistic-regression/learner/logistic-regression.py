# %% [markdown]
# # Logistic regression by hand: a stable loss, its gradient without autograd, plain gradient descent
#
# `logistic-regression` · code / 编写代码 · easy / 简单 · about 20 min / 约 20 分钟
#
# For data `X (n, d)` and labels `y (n,)` in {0, 1} (float), weights `w (d,)` and a 0-d bias `b`, write without
# autograd and without `torch.optim` (both are switched off while grading, and the functions must also work inside
# `torch.no_grad()`, where no graph can be recorded):
#
# * `predict_proba(X, w, b)`: `sigmoid(X @ w + b)`, shape `(n,)`;
# * `loss_and_grad(X, y, w, b)`: `(loss, dloss/dw, dloss/db)` for the mean binary cross-entropy (a 0-d loss, a `(d,)`
#   and a 0-d gradient, in the inputs' dtype), exact in float64 and to float32's precision in float32 (exact up to the
#   rounding of the logits themselves: a loss term far below that, such as log1p(exp(-40)), may round away), and finite
#   even when the logits are in the hundreds (where `exp` overflows);
# * `fit_logistic(X, y, lr, steps)`: gradient descent from `w = 0`, `b = 0` (same dtype and device as X), `steps`
#   updates `w -= lr * dw`, `b -= lr * db`; returns `(w, b, losses)` with the loss before each update as a float.
#
# The gradients are compared with the exact ones and the descent is replayed step by step. The sample answer's sigmoid unit is
# written as a formula, but its code never applies the sigmoid.
#
# 对于数据 `X (n, d)` 和取值于 {0, 1} 的标签 `y (n,)`（浮点型）、权重 `w (d,)` 和 0 维偏置 `b`，在不使用 autograd、也不使用 `torch.optim` 的情况下编写以下函数（评分时两者都被禁用，而且这些函数还必须能在 `torch.no_grad()` 中工作，那里无法记录计算图）：
#
# * `predict_proba(X, w, b)`：`sigmoid(X @ w + b)`，形状为 `(n,)`；
# * `loss_and_grad(X, y, w, b)`：平均二元交叉熵的 `(loss, dloss/dw, dloss/db)`（0 维的 loss、形状为 `(d,)` 的梯度和 0 维的梯度，dtype 与输入相同），在 float64 下精确，在 float32 下达到 float32 的精度（精确到 logits 本身的舍入误差为止：远小于此的损失项，例如 log1p(exp(-40))，可以被舍入掉），并且即使 logits 达到数百（此时 `exp` 会溢出）也保持有限；
# * `fit_logistic(X, y, lr, steps)`：从 `w = 0`、`b = 0`（dtype 和 device 与 X 相同）开始做梯度下降，共 `steps` 次更新 `w -= lr * dw`、`b -= lr * db`；返回 `(w, b, losses)`，losses 中是每次更新之前的 loss，均为 float。
#
# 梯度会与精确的梯度比较，梯度下降过程会被逐步重放。示例答案把 sigmoid 单元写成了公式，但它的代码从未应用 sigmoid。
#
# Check your work: `prep check logistic-regression`. Stuck? `prep hint logistic-regression`.
#
# 检查你的答案：`prep check logistic-regression`。卡住了？`prep hint logistic-regression`。

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
    raise NotImplementedError("logistic-regression: your code here")


def loss_and_grad(X, y, w, b):
    raise NotImplementedError("logistic-regression: your code here")


def fit_logistic(X, y, lr, steps):
    raise NotImplementedError("logistic-regression: your code here")
