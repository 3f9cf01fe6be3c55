"""Trusted helpers for tensor-augmentation, run in the worker: seeded generators and a DataLoader around the learner's code."""

import torch
from torch.utils.data import DataLoader


def crop(mod, img, size, padding, seed, times=1):
    g = torch.Generator().manual_seed(seed)
    return [mod.random_crop(img, size, padding, g) for _ in range(times)]


def flip(mod, img, p, seed, times=1):
    g = torch.Generator().manual_seed(seed)
    return [mod.random_hflip(img, p, g) for _ in range(times)]


def dataset(mod, images, labels, size, padding, p, seed, batch_size):
    """len(), one item, and two passes of a DataLoader (no shuffling) over a fresh dataset each time."""
    out = {}
    ds = mod.AugmentedDataset(images, labels, size, padding, p, seed)
    out["len"] = len(ds)
    item = ds[0]
    out["item"] = list(item) if isinstance(item, tuple) else item
    for run in ("first", "second"):
        ds = mod.AugmentedDataset(images, labels, size, padding, p, seed)
        out[run] = [[x, y] for x, y in DataLoader(ds, batch_size=batch_size)]
    return out
