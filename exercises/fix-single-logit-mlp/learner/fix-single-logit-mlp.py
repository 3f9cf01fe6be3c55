# %% [markdown]
# # Fix the sample answers' MLPs: cross-entropy on a single logit is always 0, and an empty hidden list crashes
#
# `fix-single-logit-mlp` · fix-bug / 修复 bug · easy / 简单 · about 20 min / 约 20 分钟
#
# The stubs are the sample answers' code. Fix them so that:
#
# * `MultiLayerNN(input_size, hidden_sizes, output_size)` keeps the sample answer's layout (`self.model` is an `nn.Sequential` of
#   Linear, ReLU, ..., Linear, with no ReLU after the last Linear) and works for any list of hidden sizes, `[]`
#   included (then it is one `Linear(input_size, output_size)`). Its forward returns raw logits `(N, output_size)`.
# * `classification_loss(logits, y)`: `logits` is `(N, C)`, `y` holds class indices, shape `(N,)`. For C >= 2 it is
#   `F.cross_entropy`. For C == 1 the logit is the log-odds of class 1 and the loss is the mean binary cross-entropy
#   with logits, computed stably (exact, up to the rounding of the logits themselves, for logits of +-40, where a
#   sigmoid rounds to 0 or 1). The loss is a 0-d tensor of the logits' dtype. Any other shapes raise `ValueError`.
# * `predict(logits)`: int64 class indices `(N,)`: `logit > 0` for C == 1 (a logit of exactly 0 is class 0), the argmax
#   otherwise (the first of tied maxima).
# * `train_classifier(model, x, y, epochs, lr)`: full-batch Adam with learning rate `lr` on `classification_loss`, one
#   step per epoch; returns the list of the epochs' losses as Python floats, each the loss that epoch's step was
#   computed from. The model may arrive with gradients left in its `.grad`: they must not leak into the first step.
#
# The sample answers train a 1-output MLP with `nn.CrossEntropyLoss`: softmax over one logit is always 1, so the loss is always
# 0 and every gradient is 0. Their `MultiLayerNN` also crashes on an empty `hidden_sizes`.
#
# 初始代码是示例答案的代码。修好它们，使得：
#
# * `MultiLayerNN(input_size, hidden_sizes, output_size)` 保持示例答案的结构（`self.model` 是由 Linear、ReLU、……、Linear 组成的 `nn.Sequential`，最后一个 Linear 之后没有 ReLU），并且对任意隐藏层大小列表都能工作，包括 `[]`（此时它就是一个 `Linear(input_size, output_size)`）。它的 forward 返回原始 logits `(N, output_size)`。
# * `classification_loss(logits, y)`：`logits` 为 `(N, C)`，`y` 存放类别索引，形状为 `(N,)`。C >= 2 时它就是 `F.cross_entropy`。C == 1 时，该 logit 是类别 1 的对数几率，损失是带 logits 的二元交叉熵的平均值，并以数值稳定的方式计算（对 +-40 的 logits 也精确到 logits 本身的舍入误差，此时 sigmoid 会舍入为 0 或 1）。损失是 dtype 与 logits 相同的 0 维张量。其他任何形状都抛出 `ValueError`。
# * `predict(logits)`：int64 类别索引 `(N,)`：C == 1 时为 `logit > 0`（logit 恰好为 0 时属于类别 0），否则为 argmax（有多个并列最大值时取第一个）。
# * `train_classifier(model, x, y, epochs, lr)`：以学习率 `lr` 在 `classification_loss` 上做全批量 Adam，每个 epoch 一步；以 Python float 列表返回各 epoch 的损失，每个都是该 epoch 那一步据以计算的损失。模型带进来时 `.grad` 中可能留有梯度：它们不能泄漏到第一步中。
#
# 示例答案用 `nn.CrossEntropyLoss` 训练只有 1 个输出的 MLP：对单个 logit 做 softmax 的结果恒为 1，所以损失恒为 0，每个梯度也都是 0。它们的 `MultiLayerNN` 在 `hidden_sizes` 为空时还会崩溃。
#
# Check your work: `prep check fix-single-logit-mlp`. Stuck? `prep hint fix-single-logit-mlp`.
#
# 检查你的答案：`prep check fix-single-logit-mlp`。卡住了？`prep hint fix-single-logit-mlp`。

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# The seeds train an MLP with `output_size=1` and `nn.CrossEntropyLoss`. Softmax over a
# single logit is always 1, so that loss is always 0 and every gradient is 0: nothing is
# ever learned (and a target of 1 is out of range). One logit means a binary problem whose
# logit is the log-odds of class 1: use a binary cross-entropy on it, computed stably (exact
# for logits of +-40, where a sigmoid rounds to 0 or 1). Also try `MultiLayerNN(10, [], 3)`.
#
# The contract: the loss is a 0-d tensor of the logits' dtype, and shapes other than logits
# `(N, C)` with targets `(N,)` raise `ValueError`. `predict` returns int64 class indices `(N,)`:
# `logit > 0` for one logit (exactly 0 is class 0), else the argmax (the first of tied maxima).
# `train_classifier` takes one full-batch Adam step per epoch and returns the epochs' losses as
# Python floats, each the loss its step was computed from; gradients the model arrives with
# must not leak into the first step.

# %%
class MultiLayerNN(nn.Module):
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers = []
        for hidden_size in hidden_sizes:
            layers.append(nn.Linear(input_size, hidden_size))
            layers.append(nn.ReLU())
            input_size = hidden_size
        layers.append(nn.Linear(hidden_sizes[-1], output_size))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)

# %%
def classification_loss(logits, y):
    criterion = nn.CrossEntropyLoss()
    return criterion(logits, y)


def predict(logits):
    _, predicted = torch.max(logits, 1)
    return predicted


def train_classifier(model, x, y, epochs, lr):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        z = model(x)
        loss = criterion(z, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
