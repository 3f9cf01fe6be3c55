"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: forces grad mode on with set_grad_enabled(True) so that parameters get gradients, never restoring the caller's mode (under no_grad it leaves grad on)."""
"""Reference solution for activation-checkpointing (seeds 001-37, 003-12, 003-27, 000-12)."""

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
    ### BEGIN SOLUTION
    torch.set_grad_enabled(True)
    h = x
    for block in blocks:
        h = checkpoint(block, h, use_reentrant=False)
    return h
    ### END SOLUTION
