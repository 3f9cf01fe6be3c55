"""Trusted helpers for anomaly-nan-source, run in the worker: functions with known NaN sources."""

import torch


def _t(values, device):
    return torch.tensor(values, dtype=torch.float64, device=device, requires_grad=True)


CASES = {
    "sqrt_at_zero": (lambda x: (torch.sqrt(x) * 0).sum(), lambda d, s: (_t([0.0, 1.0 + s], d),), "SqrtBackward0"),
    "zero_over_zero": (lambda a, b: (a / b).sum(), lambda d, s: (_t([0.0, s], d), _t([0.0, 2.0], d)), "DivBackward0"),
    "norm_of_zero_row": (lambda x: torch.sqrt((x * x).sum(-1)).sum(),
                         lambda d, s: (_t([[0.0, 0.0], [3.0, 4.0 + s]], d),), "MulBackward0"),
    "nan_in_forward_only": (lambda x: torch.log(x - 1).sum(), lambda d, s: (_t([0.5, 0.25 + s / 10], d),), None),
    "inf_gradient": (lambda x: (x ** 0.5).sum(), lambda d, s: (_t([0.0, 1.0 + s], d),), None),
    "clean": (lambda x: (x.sin() * x).sum(), lambda d, s: (_t([0.3, -1.2 + s], d),), None),
}


def find(mod, name, shift, device="cpu"):
    fn, make, _ = CASES[name]
    got = mod.find_nan_backward(fn, *make(device, shift))
    return {"got": got, "anomaly_on": torch.is_anomaly_enabled()}


def expected(name):
    return CASES[name][2]


def norm_grad(mod, x):
    x = x.detach().requires_grad_()
    out = mod.row_norms(x)
    (g,) = torch.autograd.grad(out, x, torch.ones_like(out))
    return {"out": out.detach(), "grad": g}
