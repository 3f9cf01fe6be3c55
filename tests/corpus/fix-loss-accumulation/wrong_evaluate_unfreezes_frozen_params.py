"""Breaks: "without changing the parameters or their `.grad`" (a caller's frozen parameter stays frozen). Angle: J. How: instead of no_grad, sets requires_grad False on every parameter and True afterwards, unfreezing frozen ones."""

"""Reference solution for fix-loss-accumulation (seeds 003-17, 003-12, 003-27, 003-39). The STUB is the seed's code."""

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
    ### BEGIN SOLUTION
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION
    ### BEGIN STUB
    # losses = []
    # for x, y in batches:
    #     loss = ((model(x) - y) ** 2).mean()
    #     loss.backward()
    #     torch.autograd.optimizer爱护计算图  # the seed: "optimize the graph to reduce memory"
    #     losses.append(loss)
    # return losses
    ### END STUB


def evaluate(model, batches):
    ### BEGIN SOLUTION
    total = 0.0
    for p in model.parameters():
        p.requires_grad_(False)
    for x, y in batches:
        total += ((model(x) - y) ** 2).mean().item()
    for p in model.parameters():
        p.requires_grad_(True)
    return total / len(batches)
    ### END SOLUTION
    ### BEGIN STUB
    # total_loss = 0
    # for x, y in batches:
    #     total_loss += ((model(x) - y) ** 2).mean()
    # return total_loss / len(batches)
    ### END STUB
