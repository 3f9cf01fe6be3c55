"""branch_free tests x.mean() > 0 instead of x.sum() > 0: a tiny positive sum divided by n can round to 0."""
import torch


def to_static(model, example):
    return torch.jit.script(model)


def save_static(module, path):
    torch.jit.save(module, path)


def load_static(path):
    return torch.jit.load(path)


def branch_free(x):
    return torch.where(x.mean() > 0, x * 2, x - 10)
