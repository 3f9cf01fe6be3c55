"""Answers without running the model: the name of the first module (in named_modules order) whose class is one that
can break a forward pass (Log, Sqrt, Exp, Pair), or None when there is none. Traps that do not fire, culprits that are
not such layers and NaNs made by the root make it wrong; attach_grad_norm_logger is left undone. Must score 0 (the
stub's score)."""

import torch


def attach_grad_norm_logger(model):
    raise NotImplementedError


def first_nonfinite_module(model, x):
    for n, m in model.named_modules():
        if n and type(m).__name__ in ("Log", "Sqrt", "Exp", "Pair"):
            return n
    return None
