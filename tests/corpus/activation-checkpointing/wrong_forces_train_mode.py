"""Violates "the same output as `blocks(x)`" (with Dropout layers inside the blocks): calls blocks.train() first, so blocks the caller left in eval mode apply dropout, where blocks(x) drops nothing (and the caller's module is left in train mode)."""
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    blocks.train()
    out = x
    for block in blocks:
        out = checkpoint(block, out, use_reentrant=False)
    return out
