"""Helpers for anomaly-nan-source, run in the worker and (a trusted copy) in the judge.

Every graded function is drawn per run: the judge draws a *spec* (plain data: input tensors and a list of operations
with argument indices and constants), the probe builds the function from it and hands it to the learner, and the
judge builds the same function from the same spec and finds the expected answer itself. No case has a name, and
neither the function's code nor its inputs' shapes say what the answer is: only running the backward pass does.
The probes only call the learner's code and return raw results."""

import torch

from grader.drawn import build, inputs_of  # noqa: F401 (the judge's side builds the same function)


def find(mod, spec, device="cpu"):
    """The learner's answer for the function spec describes: what it returned or the type name of what it raised,
    and whether anomaly mode is on afterwards."""
    fn = build(spec)
    try:
        got = mod.find_nan_backward(fn, *inputs_of(spec, device))
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "got": None, "anomaly_on": torch.is_anomaly_enabled()}
    return {"raised": None, "got": got, "anomaly_on": torch.is_anomaly_enabled()}


def norm_grad(mod, x, g=None):
    """row_norms(x) and the gradient of (row_norms(x) * g).sum() (g defaults to ones)."""
    x = x.detach().requires_grad_()
    out = mod.row_norms(x)
    weights = torch.ones_like(out) if g is None else g
    (grad,) = torch.autograd.grad(out, x, weights)
    return {"out": out.detach(), "grad": grad}
