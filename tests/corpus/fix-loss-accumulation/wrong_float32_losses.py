"""Reports each loss rounded to float32 ('to save memory'): loss.float().item(), and the same in evaluate."""

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
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.float().item())
    return losses


def evaluate(model, batches):
    total = 0.0
    with torch.no_grad():
        for x, y in batches:
            total += ((model(x) - y) ** 2).mean().float().item()
    return total / len(batches)
