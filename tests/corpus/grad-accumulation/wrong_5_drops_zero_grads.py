"""Violates "The result, keyed by named_parameters() names, must equal the full-batch gradient": parameters whose
gradient is exactly zero (a saturated tanh layer) are left out of the dict (red team h2, round 18)."""

# %%
import torch
import torch.nn.functional as F


# %% [markdown]
# `.grad` **accumulates**: every backward adds into it, and nothing clears it but you
# (`optimizer.zero_grad()` / `model.zero_grad()`). Forgetting that is a classic bug, and using
# it on purpose is *gradient accumulation*: run a large batch as several micro-batches, one
# backward each, then take one optimizer step, to fit a batch that does not fit in memory.
#
# For the accumulated gradient to equal the full batch's, weight each micro-batch's mean loss
# by its share of the samples, `len(chunk) / N`; dividing by the number of micro-batches is
# only right when all chunks have the same size.

# %%
def accumulated_grads(model, x, y, micro_batch_size):
    """The gradient of F.mse_loss(model(x), y) over the whole batch, computed one micro-batch of at most
    micro_batch_size samples at a time (x.split(micro_batch_size)). Returns {name: gradient}; afterwards each
    parameter's .grad holds that gradient. Gradients left from before do not count."""
    ### BEGIN SOLUTION
    model.zero_grad(set_to_none=True)
    n = x.shape[0]
    for xc, yc in zip(x.split(micro_batch_size), y.split(micro_batch_size)):
        (F.mse_loss(model(xc), yc) * (xc.shape[0] / n)).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None and bool(p.grad.any())}
    ### END SOLUTION


def train_accumulated(model, optimizer, batches, accum_steps):
    """Train on a list of (x, y) micro-batches, one optimizer step per accum_steps consecutive micro-batches
    (a last, shorter group steps too). Each step's gradient is that of the MSE loss over all the samples of its
    group, as if they were one batch. Returns the number of optimizer steps taken."""
    ### BEGIN SOLUTION
    steps = 0
    for start in range(0, len(batches), accum_steps):
        group = batches[start:start + accum_steps]
        total = sum(xb.shape[0] for xb, _ in group)
        optimizer.zero_grad(set_to_none=True)
        for xb, yb in group:
            (F.mse_loss(model(xb), yb) * (xb.shape[0] / total)).backward()
        optimizer.step()
        steps += 1
    return steps
    ### END SOLUTION
