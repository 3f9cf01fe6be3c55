"""Checkpoints every layer inside every block: each layer's input (the blocks' inner activations) is still saved."""
import torch
from torch.utils.checkpoint import checkpoint


def checkpointed_forward(blocks, x):
    h = x
    for block in blocks:
        for layer in block:
            h = checkpoint(layer, h, use_reentrant=False)
    return h
