"""Violates "computed with torch.utils.checkpoint.checkpoint(..., use_reentrant=False) so that the forward pass keeps
at most one input-sized tensor per block alive for backward": a batch of one sample ("too small to be worth it") runs
blocks(x) plainly, so every inner activation of every block is saved for backward."""
import torch
from torch.utils import checkpoint as ckpt


def checkpointed_forward(blocks, x):
    if x.dim() > 0 and x.shape[0] == 1:
        return blocks(x)
    h = x
    for blk in blocks:
        h = ckpt.checkpoint(blk, h, use_reentrant=False)
    return h
