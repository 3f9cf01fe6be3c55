"""Checkpoints blocks two at a time but forgets the last block when the count is odd."""
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    h = x
    for i in range(0, len(blocks) - 1, 2):
        h = checkpoint(nn.Sequential(blocks[i], blocks[i + 1]), h, use_reentrant=False)
    return h
