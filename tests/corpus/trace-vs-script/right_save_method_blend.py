"""ScriptModule.save and torch.jit.load with map_location; branch_free blends both branches with a 0/1 factor."""
import torch
import torch.jit as jit


def to_static(model, example):
    scripted = jit.script(model)
    return scripted


def save_static(module, path):
    module.save(path)


def load_static(path):
    return jit.load(path, map_location="cpu")


def branch_free(x):
    take = (x.sum() > 0).to(x.dtype)
    return take * (x * 2) + (1 - take) * (x - 10)
