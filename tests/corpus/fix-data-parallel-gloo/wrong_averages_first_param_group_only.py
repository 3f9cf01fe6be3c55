"""Breaks: "afterwards every parameter's `.grad` on every rank is the mean". Angle: H. How: train_step averages through the optimizer's first param group only (models with several groups leave the rest per-rank); average_gradients itself stays right."""

"""Reference solution for fix-data-parallel-gloo (seeds 001-38, 001-31, 001-20). The STUB is the seed's code."""

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
    ### BEGIN SOLUTION
    world = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world
    ### END SOLUTION


def train_step(model, opt, x, y):
    ### BEGIN SOLUTION
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    world = dist.get_world_size()
    for p in opt.param_groups[0]['params']:
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world
    opt.step()
    return loss.item()
    ### END SOLUTION
    ### BEGIN STUB
    # opt.zero_grad()
    # loss = F.mse_loss(model(x), y)
    # loss.backward()
    # opt.step()
    # dist.all_reduce(opt.state_dict(), op=ReduceOp.Sum)
    # return loss.item()
    ### END STUB
