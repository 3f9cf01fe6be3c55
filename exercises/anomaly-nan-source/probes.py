"""Helpers for anomaly-nan-source, run in the worker and (a trusted copy) in the judge.

Every graded function is drawn per run: the judge draws a *spec* (plain data: input tensors and a list of operations
with argument indices and constants), the probe builds the function from it and hands it to the learner, and the
judge builds the same function from the same spec and finds the expected answer itself. No case has a name, and
neither the function's code nor its inputs' shapes say what the answer is: only running the backward pass does.
The probes only call the learner's code and return raw results."""

import torch

# name: number of value arguments (then constants)
OPS = {
    "sqrt": 1, "log": 1, "exp": 1, "tanh": 1, "sin": 1, "pow": 1, "scale": 1, "shift": 1, "relu": 1,
    "sum": 1, "rowsum": 1, "detach": 1, "check": 1, "guard": 1,
    "add": 2, "sub": 2, "mul": 2, "div": 2, "where": 3,
}


class Guard(torch.autograd.Function):
    """The identity, whose backward refuses a negative incoming gradient (a backward error that is not about NaN)."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        if bool((grad < 0).any()):
            raise RuntimeError("guard: this function refuses a negative gradient")
        return grad


def build(spec, trace=None):
    """The function spec describes, as fn(*inputs) -> loss (the sum of its last value when spec["reduce"]); every
    value it computes is appended to trace (a list) when one is given."""
    ops = [list(op) for op in spec["ops"]]
    reduce = bool(spec.get("reduce", True))

    def fn(*inputs):
        v = list(inputs)
        for op in ops:
            name, k = op[0], OPS[op[0]]
            a = [v[i] for i in op[1:1 + k]]
            c = op[1 + k:]
            if name == "sqrt":
                r = torch.sqrt(a[0])
            elif name == "log":
                r = torch.log(a[0])
            elif name == "exp":
                r = torch.exp(a[0])
            elif name == "tanh":
                r = torch.tanh(a[0])
            elif name == "sin":
                r = torch.sin(a[0])
            elif name == "pow":
                r = a[0] ** c[0]
            elif name == "scale":
                r = a[0] * c[0]
            elif name == "shift":
                r = a[0] + c[0]
            elif name == "relu":
                r = a[0].clamp(min=0.0)
            elif name == "sum":
                r = a[0].sum()
            elif name == "rowsum":
                r = a[0].sum(-1, keepdim=True)
            elif name == "detach":
                r = a[0].detach()
            elif name == "check":
                if not bool((a[0] > 0).all()):
                    raise ValueError("this function refuses an input that is not positive")
                r = a[0]
            elif name == "guard":
                r = Guard.apply(a[0])
            elif name == "add":
                r = a[0] + a[1]
            elif name == "sub":
                r = a[0] - a[1]
            elif name == "mul":
                r = a[0] * a[1]
            elif name == "div":
                r = a[0] / a[1]
            else:  # where
                r = torch.where(a[0] > 0, a[1], a[2])
            v.append(r)
            if trace is not None:
                trace.append(r)
        return v[-1].sum() if reduce else v[-1]

    return fn


def inputs_of(spec, device="cpu"):
    """Fresh leaf tensors that require grad, on device."""
    return [x.detach().to(device).clone().requires_grad_(True) for x in spec["inputs"]]


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
