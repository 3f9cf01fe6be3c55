# %% [markdown]
# # Variable-length sequences: a padding collate_fn, packed RNN outputs, and the sample answer's hidden-state bug
#
# `fix-rnn-variable-length` · fix-bug / 修复 bug · medium / 中等 · about 25 min / 约 25 分钟
#
# The stub's `train_epoch` is the sample answer's loop. Write
#
# * `pad_collate(samples) -> (padded, lengths, labels)`, a DataLoader `collate_fn` for samples `(seq, label)` where `seq`
#   has shape `(length_i, features)` and `label` is a 0-d int64 tensor: `padded` has shape `(batch, max_length, features)`
#   and the sequences' dtype, with zeros after each sequence's end, `lengths` and `labels` are int64 of shape `(batch,)`,
#   in the samples' order (never sorted);
# * `last_outputs(rnn, padded, lengths) -> Tensor` of shape `(batch, hidden)`: for a unidirectional `nn.RNN` or `nn.GRU`
#   with `batch_first=True` (any number of layers) and lengths in any order, the top layer's output at each sequence's
#   last real step, equal to running each sequence alone from a zero state, whatever values the padding holds (nan
#   included), and differentiable: for padding that holds finite values, a backward through it gives `rnn`'s parameters the gradients that running each sequence alone gives;
# * `train_epoch(model, opt, loader) -> list[float]`: for each `(padded, lengths, labels)` batch: zero the gradients,
#   `logits, _ = model(padded, lengths, None)` (a fresh state per batch), cross-entropy loss, backward, step; return the
#   batch losses as Python floats. The last batch may be smaller than the others.
#
# 初始代码中的 `train_epoch` 是示例答案的循环。编写
#
# * `pad_collate(samples) -> (padded, lengths, labels)`，一个 DataLoader 的 `collate_fn`，用于样本 `(seq, label)`，其中 `seq` 的形状为 `(length_i, features)`，`label` 是 0 维 int64 张量：`padded` 的形状为 `(batch, max_length, features)`，dtype 与序列相同，每个序列结束之后填充零；`lengths` 和 `labels` 是形状为 `(batch,)` 的 int64 张量；全部按样本的顺序排列（从不排序）；
# * `last_outputs(rnn, padded, lengths) -> Tensor`，形状为 `(batch, hidden)`：对于 `batch_first=True` 的单向 `nn.RNN` 或 `nn.GRU`（任意层数）以及任意顺序的长度，返回顶层在每个序列最后一个真实时间步上的输出，等于把每个序列单独从零状态开始运行得到的结果，无论填充位置上是什么值（包括 nan），并且可微：填充为有限值时，经过它的反向传播给 `rnn` 参数的梯度等于把每个序列单独运行所得的梯度；
# * `train_epoch(model, opt, loader) -> list[float]`：对每个 `(padded, lengths, labels)` 批次：清零梯度，`logits, _ = model(padded, lengths, None)`（每个批次使用新的状态），计算交叉熵损失，反向传播，执行一步；以 Python float 返回各批次的损失。最后一个批次可以比其他批次小。
#
# Check your work: `prep check fix-rnn-variable-length`. Stuck? `prep hint fix-rnn-variable-length`.
#
# 检查你的答案：`prep check fix-rnn-variable-length`。卡住了？`prep hint fix-rnn-variable-length`。

# %%
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

# %% [markdown]
# Variable-length sequences are the textbook case for define-by-run, and the seed's RNN example gets them wrong. It
# creates the hidden state once, `h = torch.zeros(1, 32, 50)`, and carries it (detached) from batch to batch and
# epoch to epoch. A DataLoader's last batch is usually smaller: `RuntimeError: Expected hidden size (1, 4, 50), got
# [1, 32, 50]`. And carrying state between unrelated samples leaks one batch into the next: for classifying
# independent sequences, every batch starts from a zero state (pass `None`).
#
# 1. `pad_collate(samples)`: a `collate_fn` for a `DataLoader` whose samples are `(seq, label)` with `seq` of shape
#    `(length_i, features)` (lengths differ) and `label` a 0-d int64 tensor. Return `(padded, lengths, labels)`:
#    `padded` of shape `(batch, max_length, features)`, zero after each sequence's end; `lengths` int64 of shape
#    `(batch,)`; `labels` int64 of shape `(batch,)`.
# 2. `last_outputs(rnn, padded, lengths)`: for an `nn.RNN`/`nn.GRU` with `batch_first=True`, the top layer's output at
#    each sequence's last real step, shape `(batch, hidden)`: what running each sequence alone from a zero state
#    gives, padding ignored (`pack_padded_sequence(..., enforce_sorted=False)`; `lengths` must be on the CPU).
# 3. `train_epoch(model, opt, loader) -> list[float]`: the seed's loop, fixed. `model(padded, lengths, h)` returns
#    `(logits, h_n)`; each batch starts from a fresh state (`h=None`), and the step is zero_grad, cross-entropy loss,
#    backward, step. Return each batch's loss as a Python float.

# %%
def pad_collate(samples):
    raise NotImplementedError("fix-rnn-variable-length: your code here")


def last_outputs(rnn, padded, lengths):
    raise NotImplementedError("fix-rnn-variable-length: your code here")


def train_epoch(model, opt, loader):
    h = torch.zeros(1, 32, 50)  # 1 layer, batch size 32, hidden dimension 50
    losses = []
    for x, lengths, y in loader:
        opt.zero_grad()
        outputs, h = model(x, lengths, h)
        loss = torch.nn.CrossEntropyLoss()(outputs, y)
        loss.backward()
        opt.step()
        h = h.detach()  # carry the state on, without back-propagating into the last batch
        losses.append(loss.item())
    return losses
