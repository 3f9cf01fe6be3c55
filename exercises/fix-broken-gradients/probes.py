"""Helpers for fix-broken-gradients: call two_gradients on a tensor that requires grad, twice, and return raw results
(both answers and x.grad afterwards); the judge computes the true gradients itself."""

import torch
from grader import drive


def two_gradients(mod, x, calls=2, grad=None, shift=None):
    """The answers of `calls` calls on one x, and x.grad afterwards; with `grad`, x comes with that .grad already
    set (a caller's earlier gradient). With `shift`, one more call after x's values were changed in place by
    shift (under no_grad, as an optimizer step does): its answer is "shifted"."""
    x = x.detach().clone().requires_grad_(True)
    if grad is not None:
        x.grad = grad.detach().clone()

    def call():
        got = mod.two_gradients(x)
        return list(got) if isinstance(got, tuple) else {"not a tuple": type(got).__name__}

    answers = [call() for _ in range(calls)]
    shifted = None
    if shift is not None:
        with drive.grad_mode(False):
            x.add_(shift)
        shifted = call()
    return {"answers": answers, "x_grad": x.grad, "shifted": shifted}
