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


def find_same_fn(mod, spec, others, device="cpu"):
    """find()'s result for one fn object called twice: on spec's inputs, then on the other inputs (same ops)."""
    fn = build(spec)
    found = []
    for inputs in (spec["inputs"], others):
        try:
            got = mod.find_nan_backward(fn, *inputs_of({"inputs": inputs}, device))
        except Exception as e:  # the learner's error is the result here
            found.append({"raised": type(e).__name__, "got": None, "anomaly_on": torch.is_anomaly_enabled()})
            continue
        found.append({"raised": None, "got": got, "anomaly_on": torch.is_anomaly_enabled()})
    return found


class SignOf(torch.autograd.Function):
    """|v| with the backward g * v / |v|: 0 / 0 = NaN at v = 0. A custom Function's node is named "SignOfBackward"
    (no digit at the end, unlike torch's own nodes)."""

    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return v.abs()

    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors
        return g * v / v.abs()


class Refuse(torch.autograd.Function):
    """The identity, whose backward raises a RuntimeError worded like anomaly mode's report ("Function '...' returned
    ...") without being it: a name pulled out of any "Function '...'" message takes it for a NaN report."""

    @staticmethod
    def forward(ctx, v):
        return v.clone()

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("Function 'RefuseBackward' returned an invalid gradient: this custom Function refuses "
                           "every incoming gradient, NaN or not")


def extended(spec, variant, device="cpu"):
    """The function spec describes, extended, and its inputs (a fresh copy), built the same way on both sides:
    variant "custom": SignOf applied to the loss times 0 (its backward returns NaN: a custom Function's node);
    variant "hidden": plus a term on a leaf w that fn captures and that is not among its inputs, (w * 0).sqrt().sum()
    (sqrt's gradient at 0 is inf, times 0 is NaN: only a backward that reaches w sees it);
    variant "hidden_clean": plus w.sin().sum() (clean);
    variant "once": "custom" on its first call only, the clean function on every later call (fn is called once);
    variant "lookalike": the loss through Refuse, whose backward raises a RuntimeError that is not a NaN report.
    Returns (fn, inputs, w)."""
    base = build(spec)
    w = torch.linspace(0.5, 1.5, 3, dtype=torch.float64, device=device).requires_grad_()
    if variant == "custom":
        def fn(*xs):
            return SignOf.apply(base(*xs) * 0.0)
    elif variant == "once":  # a computation that differs from call to call: only the first call's loss is NaN's
        calls = []

        def fn(*xs):
            calls.append(None)
            loss = base(*xs)
            return SignOf.apply(loss * 0.0) if len(calls) == 1 else loss
    elif variant == "lookalike":
        def fn(*xs):
            return Refuse.apply(base(*xs))
    elif variant == "hidden":
        def fn(*xs):
            return base(*xs) + (w * 0.0).sqrt().sum()
    else:
        def fn(*xs):
            return base(*xs) + w.sin().sum()
    return fn, inputs_of(spec, device), w


def find_extended(mod, spec, variant, device="cpu"):
    """The learner's answer for the extended function (see extended), and the gradients left afterwards in the inputs'
    and w's .grad (one backward pass puts the loss's gradient there)."""
    fn, xs, w = extended(spec, variant, device)
    try:
        got = mod.find_nan_backward(fn, *xs)
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "got": None, "anomaly_on": torch.is_anomaly_enabled(), "grads": None}
    grads = [None if t.grad is None else t.grad.detach().clone() for t in xs + [w]]
    return {"raised": None, "got": got, "anomaly_on": torch.is_anomaly_enabled(), "grads": grads}


def norm_grad(mod, x, g=None):
    """row_norms(x) and the gradient of (row_norms(x) * g).sum() (g defaults to ones)."""
    x = x.detach().requires_grad_()
    out = mod.row_norms(x)
    weights = torch.ones_like(out) if g is None else g
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(weights.shape):
        return {"out": out.detach() if isinstance(out, torch.Tensor) else out, "grad": None}  # the judge names the shape
    (grad,) = torch.autograd.grad(out, x, weights)
    return {"out": out.detach(), "grad": grad}
