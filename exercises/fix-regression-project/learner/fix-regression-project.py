# %% [markdown]
# # Fix the sample answer's linear-regression project: a (100, 100) target, numpy arrays fed to a model, silent broadcasting
#
# `fix-regression-project` · fix-bug / 修复 bug · easy / 简单 · about 25 min / 约 25 分钟
#
# The stubs are the sample answer's project. Fix it so that:
#
# * `make_line(n=100, noise=True, f=1, seed=0)` returns float32 tensors `x` and `y`, both of shape `(n, 1)`, made
#   exactly so: `g = torch.Generator().manual_seed(seed)`, `x = torch.rand(n, 1, generator=g) * 10`, then
#   `y = x * f + torch.randn(n, 1, generator=g)` (or `y = x * f` without noise).
# * `checked_mse(pred, target)` raises `ValueError` when the shapes differ, and is `F.mse_loss` otherwise.
# * `fit_line(x, y, lr=0.01, epochs=1000)` accepts torch tensors or numpy arrays of any float dtype (float16 to
#   float64), x of shape `(n, 1)` and y of shape `(n, 1)` or `(n,)`; it builds one sample answer's `LinearModel` (float32, its
#   default initialisation, with no other random draw before it), takes exactly `epochs` full-batch SGD steps with lr
#   `lr` on `checked_mse` of float32 `(n, 1)` data, and returns the trained model. On a noisy line over [0, 10] the
#   defaults get within 1% of the least-squares loss.
# * `least_squares(x, y)` returns the least-squares `(w, b)` of `y = w * x + b` as two Python floats (float64
#   arithmetic), from tensors (ones that require grad included) or numpy arrays of any float dtype, y of shape `(n, 1)` or `(n,)`.
#
# The sample answer's `make_line` returns a `(100, 100)` target, its loop feeds numpy arrays to the model, and `nn.MSELoss`
# silently broadcasts `(n, 1)` against other shapes.
#
# 初始代码是示例答案的项目。修好它，使得：
#
# * `make_line(n=100, noise=True, f=1, seed=0)` 返回 float32 张量 `x` 和 `y`，形状都是 `(n, 1)`，严格按如下方式生成：`g = torch.Generator().manual_seed(seed)`，`x = torch.rand(n, 1, generator=g) * 10`，然后 `y = x * f + torch.randn(n, 1, generator=g)`（无噪声时为 `y = x * f`）。
# * `checked_mse(pred, target)` 在形状不同时抛出 `ValueError`，否则等同于 `F.mse_loss`。
# * `fit_line(x, y, lr=0.01, epochs=1000)` 接受任意浮点 dtype（float16 到 float64）的 torch 张量或 numpy 数组，x 的形状为 `(n, 1)`，y 的形状为 `(n, 1)` 或 `(n,)`；它构建一个示例答案中的 `LinearModel`（float32，使用其默认初始化，在此之前不做任何其他随机抽取），在 float32 的 `(n, 1)` 数据上以 `checked_mse` 为损失、以 `lr` 为学习率，恰好执行 `epochs` 步全批量 SGD，并返回训练好的模型。在 [0, 10] 上的带噪声直线上，使用默认参数得到的损失与最小二乘损失相差不超过 1%。
# * `least_squares(x, y)` 以两个 Python float 返回 `y = w * x + b` 的最小二乘解 `(w, b)`（用 float64 算术计算），输入可以是任意浮点 dtype 的张量（包括需要梯度的张量）或 numpy 数组，y 的形状为 `(n, 1)` 或 `(n,)`。
#
# 示例答案的 `make_line` 返回 `(100, 100)` 的目标，它的循环把 numpy 数组喂给模型，而 `nn.MSELoss` 会悄无声息地把 `(n, 1)` 与其他形状相互广播。
#
# Check your work: `prep check fix-regression-project`. Stuck? `prep hint fix-regression-project`.
#
# 检查你的答案：`prep check fix-regression-project`。卡住了？`prep hint fix-regression-project`。

# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# The seed's project generates a line with numpy, then trains a `nn.Linear(1, 1)` on it.
# Run its pieces and look at the shapes and dtypes: `make_line` returns y of shape (100, 100)
# (an (n, 1) array plus an (n,) array broadcast), the model is fed numpy arrays, and
# `nn.MSELoss` broadcasts mismatched shapes with only a warning.

# %%
class LinearModel(nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_line(n=100, noise=True, f=1, seed=0):
    x = np.random.uniform(0, 10, n).reshape(-1, 1)
    y = x * f + np.random.randn(n) * (1 if noise else 0)
    return x, y


def checked_mse(pred, target):
    loss_function = nn.MSELoss()
    return loss_function(pred, target)


def fit_line(x, y, lr=0.01, epochs=1000):
    model = LinearModel()
    loss_function = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        output = model(x)
        loss = loss_function(output, y)
        loss.backward()
        optimizer.step()
    return model


def least_squares(x, y):
    raise NotImplementedError("fix-regression-project: your code here")
