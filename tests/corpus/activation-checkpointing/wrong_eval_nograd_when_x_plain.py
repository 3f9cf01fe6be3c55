"""Violates "The gradients (for x when it requires grad, and for every parameter, also when x does not) must equal those of blocks(x)": in eval mode, when x does not require grad, each block runs under torch.no_grad() ("nothing needs gradients at inference"), so the output has no graph and the parameters get no gradient."""

import torch
from torch.utils import checkpoint as ckpt


def checkpointed_forward(blocks, x):
    h = x
    for blk in blocks:
        if not blocks.training and not h.requires_grad:
            with torch.no_grad():
                h = blk(h)
        else:
            h = ckpt.checkpoint(blk, h, use_reentrant=False)
    return h
