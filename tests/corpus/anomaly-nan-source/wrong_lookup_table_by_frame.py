"""The attack a security tester found: find_nan_backward never runs anomaly mode or backward. It reads the case's name
from the calling probe's frame (sys._getframe(1).f_locals) and answers from a fixed table ("DivBackward0", ...), or
raises the error a "must propagate" case expects. With cases drawn per run there is no name to read, so the table
answers its default; row_norms is left undone. Must score 0 (the stub's score)."""

import sys

import torch

TABLE = {
    "sqrt_at_zero": "SqrtBackward0", "zero_over_zero": "DivBackward0", "norm_of_zero_row": "MulBackward0",
    "pow_norm_of_zero_row": "PowBackward0", "nan_in_forward_only": None, "inf_gradient": None, "clean": None,
}


def find_nan_backward(fn, *inputs):
    frame = sys._getframe(1)
    name = None
    while frame is not None and name is None:
        name = frame.f_locals.get("name") or frame.f_locals.get("case")
        frame = frame.f_back
    if name == "refuses":
        raise ValueError("this function refuses its input")
    if name == "no_graph":
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    return TABLE.get(name)


def row_norms(x):
    raise NotImplementedError
