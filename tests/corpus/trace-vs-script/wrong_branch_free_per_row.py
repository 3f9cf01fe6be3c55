"""branch_free decides per row (sum over the last dimension): right for 1-D inputs only."""
import torch


def to_static(model, example):
    return torch.jit.script(model)


def save_static(module, path):
    torch.jit.save(module, path)


def load_static(path):
    return torch.jit.load(path)


def branch_free(x):
    s = x.sum(dim=-1, keepdim=True) if x.dim() > 0 else x
    return torch.where(s > 0, x * 2, x - 10)
