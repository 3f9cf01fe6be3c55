# %% [markdown]
# # Fix the sample answer's "graph optimization": keep loss.item(), not the loss tensor, and evaluate without a graph
#
# `fix-loss-accumulation` · fix-bug / 修复 bug · easy / 简单 · about 15 min / 约 15 分钟
#
# The stub is the sample answer's training loop. Fix it. With the loss `((model(x) - y) ** 2).mean()`, computed as written in
# the inputs' dtype (float64 here):
#
# * `train_epoch(model, opt, batches) -> list[float]`: for each `(x, y)` in `batches`, zero the gradients, compute the
#   loss, back-propagate and take one `opt.step()`; return the batch losses as Python floats, which hold no graph (a
#   loss tensor kept after the loop keeps its graph alive).
# * `evaluate(model, batches) -> float`: the mean of the batch losses as a Python float, computed without recording any
#   graph (nothing saved for backward: its memory use is measured) and without changing the parameters or their
#   `.grad`.
#
# 初始代码是示例答案的训练循环。修好它。损失为 `((model(x) - y) ** 2).mean()`，按所写的方式在输入的 dtype（这里是 float64）下计算：
#
# * `train_epoch(model, opt, batches) -> list[float]`：对 `batches` 中的每个 `(x, y)`，清零梯度、计算损失、反向传播并执行一次 `opt.step()`；以 Python float 返回各批次的损失，它们不持有计算图（循环结束后仍被保留的损失张量会让它的计算图一直存活）。
# * `evaluate(model, batches) -> float`：各批次损失的平均值，为 Python float，计算时不记录任何计算图（不为反向传播保存任何东西：会测量它的内存占用），也不改变参数或它们的 `.grad`。
#
# Check your work: `prep check fix-loss-accumulation`. Stuck? `prep hint fix-loss-accumulation`.
#
# 检查你的答案：`prep check fix-loss-accumulation`。卡住了？`prep hint fix-loss-accumulation`。

# %%
import torch

# %% [markdown]
# The seed ends its training step with `torch.autograd.optimizer爱护计算图`, "optimizing the graph to reduce memory".
# No such thing exists (`AttributeError: module 'torch.autograd' has no attribute ...`), and nothing needs to be
# called: `loss.backward()` already frees the tensors the graph saved. What keeps memory alive is *your*
# references: a loss **tensor** kept in a list (or summed into `total_loss`) keeps its whole graph, and every
# activation saved in it, alive for as long as the list lives. Keep Python floats (`loss.item()`) instead.
#
# Fix the two functions. The loss is the mean squared error `((model(x) - y) ** 2).mean()`.
#
# * `train_epoch(model, opt, batches)`: one optimizer step per `(x, y)` batch (zero the gradients, forward,
#   backward, step); return the list of the batches' losses as Python floats.
# * `evaluate(model, batches)`: the mean of the batches' losses as a Python float, computed without recording
#   any graph and without touching the parameters or their gradients.

# %%
def train_epoch(model, opt, batches):
    losses = []
    for x, y in batches:
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        torch.autograd.optimizer爱护计算图  # the seed: "optimize the graph to reduce memory"
        losses.append(loss)
    return losses


def evaluate(model, batches):
    total_loss = 0
    for x, y in batches:
        total_loss += ((model(x) - y) ** 2).mean()
    return total_loss / len(batches)
