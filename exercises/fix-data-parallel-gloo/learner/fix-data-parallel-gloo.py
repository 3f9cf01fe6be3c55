# %% [markdown]
# # Fix the sample answer's data parallelism: average gradients with all_reduce before the step, on two gloo processes
#
# `fix-data-parallel-gloo` · fix-bug · medium · about 25 min
#
# The stub's `train_step` is the sample answer's code. The graders fork 2 or 3 CPU processes, initialise `torch.distributed` with
# the gloo backend, give each rank the same model and an equal share of each batch, and call your functions on every
# rank:
#
# * `average_gradients(model)`: afterwards every parameter's `.grad` on every rank is the mean of that parameter's
#   gradients over all ranks (use `torch.distributed.all_reduce`; the world size is `dist.get_world_size()`);
# * `train_step(model, opt, x, y) -> float`: zero the gradients, back-propagate `F.mse_loss(model(x), y)` on this rank's
#   shard, average the gradients, step; return this rank's loss (on its own shard) as a Python float.
#
# After any number of steps the ranks must hold identical parameters, equal to those of a single process training with
# the same optimizer on the whole batches.
#
# Check your work: `prep check fix-data-parallel-gloo`. Stuck? `prep hint fix-data-parallel-gloo`.

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
