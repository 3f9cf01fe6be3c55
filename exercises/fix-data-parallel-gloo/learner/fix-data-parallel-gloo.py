# %% [markdown]
# # Fix the sample answer's data parallelism: average gradients with all_reduce before the step, on two gloo processes
#
# `fix-data-parallel-gloo` · fix-bug / 修复 bug · medium / 中等 · about 25 min / 约 25 分钟
#
# The stub's `train_step` is the sample answer's code. The graders fork 2 or 3 CPU processes, initialise `torch.distributed` with
# the gloo backend, give each rank the same model and an equal share of each batch, and call your functions on every
# rank:
#
# * `average_gradients(model)`: afterwards every parameter's `.grad` on every rank is the mean of that parameter's
#   gradients over all ranks (use `torch.distributed.all_reduce`; the world size is `dist.get_world_size()`; a parameter the forward did not use has a `.grad` of None on every rank, and keeps it);
# * `train_step(model, opt, x, y) -> float`: zero the gradients, back-propagate `F.mse_loss(model(x), y)` on this rank's
#   shard, average the gradients, step; return this rank's loss (on its own shard) as a Python float.
#
# After any number of steps the ranks must hold identical parameters, equal to those of a single process training with
# the same optimizer on the whole batches.
#
# 初始代码中的 `train_step` 是示例答案的代码。评分项会 fork 2 或 3 个 CPU 进程，用 gloo 后端初始化 `torch.distributed`，给每个 rank 相同的模型以及每个批次中相等的一份数据，并在每个 rank 上调用你的函数：
#
# * `average_gradients(model)`：调用之后，每个 rank 上每个参数的 `.grad` 都是该参数在所有 rank 上梯度的平均值（使用 `torch.distributed.all_reduce`；进程总数为 `dist.get_world_size()`；前向没有用到的参数在每个 rank 上的 `.grad` 都是 None，并保持为 None）；
# * `train_step(model, opt, x, y) -> float`：把梯度清零，在本 rank 的数据分片上对 `F.mse_loss(model(x), y)` 做反向传播，对梯度求平均，更新一步；以 Python float 返回本 rank 的损失（在它自己的分片上）。
#
# 经过任意多步之后，各个 rank 必须持有完全相同的参数，并且等于单个进程用同一个优化器在完整批次上训练得到的参数。
#
# Check your work: `prep check fix-data-parallel-gloo`. Stuck? `prep hint fix-data-parallel-gloo`.
#
# 检查你的答案：`prep check fix-data-parallel-gloo`。卡住了？`prep hint fix-data-parallel-gloo`。

# %%
import torch
import torch.distributed as dist
import torch.nn.functional as F

# %% [markdown]
# Data parallelism: every process (rank) holds a full copy of the model, takes an equal shard of the batch, computes
# its gradients, and then the ranks **average their gradients before the optimizer step**, so that they all take the
# same step from the same weights, the step a single process would take on the whole batch.
#
# The seed instead wraps the DataLoader in `nn.DataParallel` (a module wrapper; the result cannot be iterated), calls
# `optimizer.step()` first and then `all_reduce(optimizer.state_dict(), op=ReduceOp.Sum)`: `ReduceOp` is never
# imported, its member is `SUM`, `all_reduce` takes a tensor (not a dict), and by then every rank has already stepped
# with its own gradients.
#
# The graders start 2 or 3 CPU processes with the gloo backend (`torch.distributed` is initialised for you), give
# each the same model and an equal share of each batch, and call:
#
# * `average_gradients(model)`: replace every parameter's `.grad` with the mean over all ranks
#   (`dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)`, then divide by `dist.get_world_size()`);
# * `train_step(model, opt, x, y) -> float`: one step on this rank's shard: zero_grad, `F.mse_loss(model(x), y)`,
#   backward, `average_gradients`, step; return this rank's loss (on its own shard) as a Python float.

# %%
def average_gradients(model):
    raise NotImplementedError("fix-data-parallel-gloo: your code here")


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    dist.all_reduce(opt.state_dict(), op=ReduceOp.Sum)
    return loss.item()
