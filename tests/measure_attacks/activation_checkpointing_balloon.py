"""Measurement attack (activation-checkpointing): the blocks run plainly, keeping every inner activation for backward
(the mistake), hidden by a 256 MiB balloon taken at import, freed at the start of the measured forward pass and taken
back once its output is freed (after backward, between the judge's measurements)."""

# %%
import weakref

import torch

# %%
_BALLOON = [torch.ones(32 * 1024 * 1024, dtype=torch.float64)]  # 256 MiB held at rest, touched


def _retake():
    if not _BALLOON:
        _BALLOON.append(torch.ones(32 * 1024 * 1024, dtype=torch.float64))


def checkpointed_forward(blocks, x):
    big = x.numel() >= 16384
    if big and _BALLOON:
        _BALLOON.clear()  # the worker's memory drops by far more than the activations kept below
    h = x
    for block in blocks:
        h = block(h)  # the mistake: no checkpoint, every inner activation stays saved for backward
    if big:
        weakref.finalize(h, _retake)
    return h
