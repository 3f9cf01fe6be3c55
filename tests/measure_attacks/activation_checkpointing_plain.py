"""The same plain forward without the trick: every saved tensor stays in RAM (the control)."""
import torch

def checkpointed_forward(blocks, x):
    h = x
    for block in blocks:
        h = block(h)
    return h
