# %% [markdown]
# # Activation checkpointing, measured: only block inputs kept for backward, same gradients, dropout included
#
# `activation-checkpointing` · code · medium · about 20 min
#
# Write `checkpointed_forward(blocks, x) -> Tensor` for an `nn.Sequential` of blocks (one block or several): the same
# output as `blocks(x)`, computed with `torch.utils.checkpoint.checkpoint(..., use_reentrant=False)` so that the forward
# pass keeps at most one input-sized tensor per block alive for backward; the blocks' inner activations are recomputed
# during backward instead. The gradients (for `x` when it requires grad, and for every parameter, also when `x` does
# not) must equal those of `blocks(x)`, with Dropout layers inside the blocks too.
#
# Background: checkpointing trades compute for memory, since backward reruns the forward of each checkpointed block.
#
# Check your work: `prep check activation-checkpointing`. Stuck? `prep hint activation-checkpointing`.

# %%
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

# %% [markdown]
# The seeds say `torch.utils.checkpoint` "optimizes memory automatically". It does nothing unless you wrap code in
# it, and it is a trade: a checkpointed segment saves only its input during the forward pass, and runs its forward
# again during backward to rebuild the activations it needs. Same gradients, less saved memory, more compute.
#
# Write `checkpointed_forward(blocks, x)`: the same output as `blocks(x)` for an `nn.Sequential` of blocks (one or
# several), computed with `torch.utils.checkpoint.checkpoint(..., use_reentrant=False)` so that the forward pass keeps
# at most one input-sized tensor per block alive for backward (the graders read the worker's memory from outside).
# Gradients (for `x` when it requires grad, and for every parameter, also when `x` does not require grad) must equal
# those of `blocks(x)`, Dropout included: the recomputation must draw the same dropout mask as the first run.

# %%
def checkpointed_forward(blocks, x):
    raise NotImplementedError("activation-checkpointing: your code here")
