"""Breaks: "computed with torch.utils.checkpoint.checkpoint(..., use_reentrant=False)": the legacy reentrant
checkpoint, with a detached copy of x made to require grad when x does not (so that backward() still reaches the
parameters, with the right gradients and memory). Its output does not support torch.autograd.grad: the parameters get
no gradient that way."""
import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    for blk in blocks:
        x = checkpoint(blk, x, use_reentrant=True)
    return x
