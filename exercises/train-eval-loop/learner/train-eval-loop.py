# %% [markdown]
# # The training loop done right: zero_grad, train() and eval(), no_grad evaluation, early stopping
#
# `train-eval-loop` · code / 编写代码 · easy / 简单 · about 30 min / 约 30 分钟
#
# Write the three pieces of a training loop. A loader is any iterable of `(x, y)` batches (the last may be smaller; do
# not call `len()` on it or index it); `model` is an `nn.Module` that may contain BatchNorm or Dropout.
#
# * `train_one_epoch(model, loader, optimizer, loss_fn) -> float`: put the model in training mode; for each batch,
#   zero the gradients, compute `loss_fn(model(x), y)`, back-propagate and take one optimizer step. At every
#   `optimizer.step()` each `.grad` must be exactly that batch's own gradient, whatever `.grad` held before the epoch.
#   Return the epoch's mean loss over all samples (each batch weighted by its size) as a Python float.
# * `evaluate(model, loader) -> float`: the accuracy `correct / total` over every sample (prediction = argmax over
#   dim 1), as a Python float, computed in eval mode under `torch.no_grad()` (no BatchNorm statistics change, no
#   gradients, no graph recorded); afterwards the model is back in the mode it was in, and gradient recording is on
#   again.
# * `fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience) -> dict`: for epochs 1, 2, ...:
#   one `train_one_epoch`, then `evaluate` on the validation loader. An epoch is better if its accuracy is strictly
#   higher than the best so far (the first epoch is, whatever its accuracy); stop after `patience` epochs in a row that are not better, or after `max_epochs` (both are at least 1).
#   Leave the model with the weights (the whole `state_dict`) of the best epoch, and return
#   `{"best_epoch": int, "best_accuracy": float, "history": [accuracy of each epoch run]}`.
#
# The sample answers train without switching `train()`/`eval()`, report accuracy on the training batch itself, and log losses
# by hand; graders here replay every optimizer step and check the gradient it saw.
#
# 编写训练循环的三个部分。loader 是任意一个产生 `(x, y)` 批次的可迭代对象（最后一个批次可能更小；不要对它调用 `len()`，也不要对它做索引）；`model` 是一个可能包含 BatchNorm 或 Dropout 的 `nn.Module`。
#
# * `train_one_epoch(model, loader, optimizer, loss_fn) -> float`：把模型置于训练模式；对每个批次，清零梯度，计算 `loss_fn(model(x), y)`，反向传播，并执行一次优化器 step。每次 `optimizer.step()` 时，每个 `.grad` 都必须恰好是该批次自己的梯度，无论这个 epoch 之前 `.grad` 中存放的是什么。以 Python float 返回该 epoch 在所有样本上的平均 loss（每个批次按其大小加权）。
# * `evaluate(model, loader) -> float`：在所有样本上的准确率 `correct / total`（预测 = 在 dim 1 上取 argmax），以 Python float 返回，在 eval 模式下、`torch.no_grad()` 之中计算（BatchNorm 的统计量不变，不产生梯度，不记录计算图）；之后模型回到原来所处的模式，梯度记录也重新开启。
# * `fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience) -> dict`：对 epoch 1、2、……：先执行一次 `train_one_epoch`，然后在验证集 loader 上执行 `evaluate`。如果一个 epoch 的准确率严格高于迄今为止的最好值，它就是更好的 epoch（第一个 epoch 总算更好，无论其准确率如何）；在连续 `patience` 个不是更好的 epoch 之后停止，或在 `max_epochs` 之后停止（两者都至少为 1）。让模型保留最好那个 epoch 的权重（整个 `state_dict`），并返回 `{"best_epoch": int, "best_accuracy": float, "history": [accuracy of each epoch run]}`（history 为每个已运行 epoch 的准确率）。
#
# 示例答案训练时不切换 `train()`/`eval()`，报告的准确率是在训练批次本身上算出的，并且手工记录 loss；这里的评分项会重放每一次优化器 step，并检查它所看到的梯度。
#
# Check your work: `prep check train-eval-loop`. Stuck? `prep hint train-eval-loop`.
#
# 检查你的答案：`prep check train-eval-loop`。卡住了？`prep hint train-eval-loop`。

# %%
import copy

import torch

# %% [markdown]
# A loader is any iterable of `(x, y)` batches; the last batch may be smaller.
# `model.train()` / `model.eval()` switch Dropout and BatchNorm between their training and
# inference behaviour, and `torch.no_grad()` stops evaluation from recording a graph.

# %%
def train_one_epoch(model, loader, optimizer, loss_fn):
    raise NotImplementedError("train-eval-loop: your code here")


def evaluate(model, loader):
    raise NotImplementedError("train-eval-loop: your code here")


def fit(model, train_loader, val_loader, optimizer, loss_fn, max_epochs, patience):
    raise NotImplementedError("train-eval-loop: your code here")
