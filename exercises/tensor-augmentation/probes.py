"""Trusted helpers for tensor-augmentation, run in the worker: seeded generators, memory layouts and a DataLoader
around the learner's code. They hand back what the learner's code produced (and its inputs afterwards); every
reference is computed in the judge."""

import torch
from torch.utils.data import DataLoader


def _layout(x, layout):
    """The same values in another memory layout: the last two axes transposed in memory, or a strided slice."""
    if layout == "transposed" and x.dim() >= 2:
        return x.transpose(-1, -2).contiguous().transpose(-1, -2)
    if layout == "strided":
        return torch.stack([x, x], dim=-1)[..., 0]
    return x


def call(mod, name, x, *args, layout="contiguous", default_dtype=None):
    """mod.<name>(x in the given layout, *args), and x afterwards. With default_dtype, the caller has made that
    torch's default dtype around the call (and puts its own back afterwards)."""
    x = _layout(x, layout)
    if default_dtype is None:
        return {"out": getattr(mod, name)(x, *args), "input_after": x}
    before = torch.get_default_dtype()
    torch.set_default_dtype(default_dtype)
    try:
        out = getattr(mod, name)(x, *args)
    finally:
        torch.set_default_dtype(before)
    return {"out": out, "input_after": x}


def crop(mod, img, size, padding, seed, times=1, layout="contiguous", with_input=False, with_state=False):
    """`times` crops from one generator seeded with `seed` (and, with_input, the image afterwards; with_state, the
    generator's state afterwards)."""
    g = torch.Generator().manual_seed(seed)
    img = _layout(img, layout)
    crops = [mod.random_crop(img, size, padding, g) for _ in range(times)]
    if with_input or with_state:
        return {"crops": crops, "input_after": img, "state": g.get_state()}
    return crops


def flip(mod, img, p, seed, times=1, layout="contiguous", with_state=False):
    """`times` flips from one generator seeded with `seed` (and, with_state, the generator's state afterwards)."""
    g = torch.Generator().manual_seed(seed)
    img = _layout(img, layout)
    flips = [mod.random_hflip(img, p, g) for _ in range(times)]
    return {"flips": flips, "state": g.get_state()} if with_state else flips


def _make(mod, images, labels, size, padding, p, seed):
    if p is None and seed is None:  # the defaults of p and seed
        return mod.AugmentedDataset(images, labels, size, padding)
    return mod.AugmentedDataset(images, labels, size, padding, p, seed)


def dataset(mod, images, labels, size, padding, p, seed, batch_size):
    """len(), one item, and two passes of a DataLoader (no shuffling) over a fresh dataset each time."""
    out = {}
    ds = _make(mod, images, labels, size, padding, p, seed)
    out["len"] = len(ds)
    out["item"] = ds[0]
    for run in ("first", "second"):
        ds = _make(mod, images, labels, size, padding, p, seed)
        out[run] = [[x, y] for x, y in DataLoader(ds, batch_size=batch_size)]
    return out


def interleaved(mod, images, labels, size, padding, p, seeds, order):
    """Two datasets alive at once, accessed in the given order of (dataset, index) pairs: the items' images."""
    sets = [mod.AugmentedDataset(images, labels, size, padding, p, s) for s in seeds]
    return [sets[d][i][0] for d, i in order]
