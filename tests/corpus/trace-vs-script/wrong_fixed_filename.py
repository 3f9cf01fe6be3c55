"""save_static writes to one fixed file name whatever path it gets, and load_static reads that file: the second save
overwrites the first, and the file at path is never written."""
import torch


def to_static(model, example):
    return torch.jit.script(model)


def save_static(module, path):
    torch.jit.save(module, "captured_model.pt")


def load_static(path):
    return torch.jit.load("captured_model.pt")


def branch_free(x):
    return torch.where(x.sum() > 0, x * 2, x - 10)
