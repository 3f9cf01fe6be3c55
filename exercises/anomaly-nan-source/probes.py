"""Helpers for anomaly-nan-source, run in the worker: functions with known NaN sources and their inputs, by name.
They only call the learner's code and return raw results; the expected answers live in the graders, in the judge."""

import torch


def _t(values, device):
    return torch.tensor(values, dtype=torch.float64, device=device, requires_grad=True)


def _refuses(x):
    raise ValueError("this function refuses its input")


CASES = {
    # name: (fn, inputs for (device, shift))
    "sqrt_at_zero": (lambda x: (torch.sqrt(x) * 0).sum(), lambda d, s: (_t([0.0, 1.0 + s], d),)),
    "zero_over_zero": (lambda a, b: (a / b).sum(), lambda d, s: (_t([0.0, s], d), _t([0.0, 2.0], d))),
    "norm_of_zero_row": (lambda x: torch.sqrt((x * x).sum(-1)).sum(),
                         lambda d, s: (_t([[0.0, 0.0], [3.0, 4.0 + s]], d),)),
    "pow_norm_of_zero_row": (lambda x: x.pow(2).sum(1).sqrt().sum(),
                             lambda d, s: (_t([[3.0, 4.0 + s], [0.0, 0.0]], d),)),
    "nan_in_forward_only": (lambda x: torch.log(x - 1).sum(), lambda d, s: (_t([0.5, 0.25 + s / 10], d),)),
    "inf_gradient": (lambda x: (x ** 0.5).sum(), lambda d, s: (_t([0.0, 1.0 + s], d),)),
    "clean": (lambda x: (x.sin() * x).sum(), lambda d, s: (_t([0.3, -1.2 + s], d),)),
    "refuses": (_refuses, lambda d, s: (_t([1.0, s], d),)),
    "no_graph": (lambda x: (x.detach() * 2).sum(), lambda d, s: (_t([1.0, s], d),)),
}


def find(mod, name, shift, device="cpu"):
    fn, make = CASES[name]
    got = mod.find_nan_backward(fn, *make(device, shift))
    return {"got": got, "anomaly_on": torch.is_anomaly_enabled()}


def find_raising(mod, name, shift, device="cpu"):
    """Like find, for a case that must raise: the error's type name and the anomaly mode left behind."""
    fn, make = CASES[name]
    try:
        got = mod.find_nan_backward(fn, *make(device, shift))
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "anomaly_on": torch.is_anomaly_enabled()}
    return {"raised": None, "got": got, "anomaly_on": torch.is_anomaly_enabled()}


def norm_grad(mod, x, g=None):
    """row_norms(x) and the gradient of (row_norms(x) * g).sum() (g defaults to ones)."""
    x = x.detach().requires_grad_()
    out = mod.row_norms(x)
    weights = torch.ones_like(out) if g is None else g
    (grad,) = torch.autograd.grad(out, x, weights)
    return {"out": out.detach(), "grad": grad}
