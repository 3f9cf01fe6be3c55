# %% [markdown]
# # Gradient accumulation on purpose: micro-batches that add up to the full batch, and zero_grad at the right time
#
# `grad-accumulation` · code · medium · about 25 min
#
# Write two functions that use the fact that `.grad` accumulates.
#
# `accumulated_grads(model, x, y, micro_batch_size) -> dict[str, Tensor]` computes the gradient of
# `F.mse_loss(model(x), y)` over the whole batch, but runs `model` on one micro-batch at a time (the chunks of
# `x.split(micro_batch_size)`, the last one possibly shorter), one backward per micro-batch. The result, keyed by
# `named_parameters()` names, must equal the full-batch gradient to 1e-10 in float64, and afterwards each parameter's
# `.grad` holds it; gradients left in `.grad` from before must not count.
#
# `train_accumulated(model, optimizer, batches, accum_steps) -> int` trains on a list of `(x, y)` micro-batches,
# taking one `optimizer.step()` per `accum_steps` consecutive micro-batches (a last, shorter group steps too), each
# step's gradient being that of the MSE loss over all the samples of its group, as if they formed one batch. It returns
# the number of steps. The parameters must end exactly where training on the concatenated groups would put them, for
# SGD with and without momentum (the graders pass an optimizer with `torch.optim.SGD`'s update; use only its
# `zero_grad()` and `step()`).
#
# The seeds' answers never mention that `.grad` accumulates; forgetting `zero_grad()` adds the gradients of
# successive iterations together.
#
# Check your work: `prep check grad-accumulation`. Stuck? `prep hint grad-accumulation`.

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
    raise NotImplementedError("grad-accumulation: your code here")


def train_accumulated(model, optimizer, batches, accum_steps):
    """Train on a list of (x, y) micro-batches, one optimizer step per accum_steps consecutive micro-batches
    (a last, shorter group steps too). Each step's gradient is that of the MSE loss over all the samples of its
    group, as if they were one batch. Returns the number of optimizer steps taken."""
    raise NotImplementedError("grad-accumulation: your code here")
