"""The attack a security tester found in anomaly-nan-source, here: first_nonfinite_grad and first_nonfinite_module
never run backward or the model. They read the case's name from the calling probe's frame (sys._getframe(1).f_locals)
and answer from a fixed table ("SqrtBackward0", "head.1", ...), or raise the error a "must propagate" case expects.
With cases drawn per run there is no name to read, so the tables answer their default. Must score 0 (the stub's
score)."""

import sys

GRADS = {
    "sqrt": "SqrtBackward0", "sqrt_times_zero": "SqrtBackward0", "pow_half": "PowBackward0", "log": "LogBackward0",
    "exp": "ExpBackward0", "scaled_sqrt": "SqrtBackward0", "where_sqrt": "SqrtBackward0",
    "div_by_itself": "DivBackward0", "sqrt_then_log": "LogBackward0", "sqrt_then_log_swapped": "LogBackward0",
    "log_then_sqrt": "SqrtBackward0", "reused_in_a_loop": "SqrtBackward0",
}
MODELS = {"tanh_log": "2", "relu_log": "2", "nested_exp": "head.1", "root": "", "finite": None}


def _name():
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_locals.get("name")
        if isinstance(name, str):
            return name
        frame = frame.f_back
    return None


def first_nonfinite_grad(fn, *inputs):
    name = _name()
    if name == "refuses":
        raise ValueError("this function refuses its input")
    if name == "no_graph":
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    return GRADS.get(name)


def first_nonfinite_module(model, x):
    return MODELS.get(_name())
