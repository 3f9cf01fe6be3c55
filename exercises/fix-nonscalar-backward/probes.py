"""Trusted helpers for fix-nonscalar-backward, run in the worker (and in the judge, for the references): the functions,
by name, and the calls. The probes only call the learner's functions and report what they returned and x's state
after each call; every comparison (with the x the judge sent) is in the graders."""

import torch

from grader import drive

_W = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)  # a parameter a function closes over

FUNCTIONS = {
    "square": lambda x: x ** 2,
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "outer": lambda x: x.reshape(-1, 1) * x.reshape(1, -1),
    "cumprod": lambda x: torch.cumprod(x.reshape(-1), 0),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "head_squared": lambda x: x.reshape(-1)[:2] ** 2,
    "constant": lambda x: torch.ones(3, dtype=x.dtype, device=x.device),
    # requires grad (through the parameter) but does not depend on x: autograd.grad finds x unused (None)
    "param_only": lambda x: _W.to(x.dtype) * torch.ones(3, dtype=x.dtype, device=x.device),
    "scale_0d": lambda x: torch.stack([x * 2, x ** 3]),
    "empty_output": lambda x: x.reshape(-1)[:0] * 2,  # an output with no elements
    "empty_rows": lambda x: x.reshape(-1, 1)[:, :0] * 2,  # no elements, shape (x.numel(), 0): not (0,)
    "constant_grid": lambda x: torch.ones(2, 2, dtype=x.dtype, device=x.device),  # a 2-D constant output
    # a non-contiguous output (a transposed view): y.view(-1) raises on it, y.reshape(-1) does not
    "transposed_square": lambda x: (x.reshape(2, -1) ** 2).t(),
}


def function(name, A=None):
    if name == "matvec":
        return lambda x: A @ x
    return FUNCTIONS[name]


def _state(x):
    return {"values": x.detach().clone(), "requires_grad": bool(x.requires_grad),
            "grad": None if x.grad is None else x.grad.detach().clone()}


def square_grad_twice(mod, x, preset_grad=None, non_leaf=False):
    """Call square_grad twice on the same tensor; report both results and x's state after them.

    With non_leaf, x is the result of an operation on a leaf that requires grad (x = base * 1), as when the caller
    passes an intermediate of its own graph. With preset_grad, x.grad holds it before the calls."""
    if non_leaf:
        base = x.detach().clone().requires_grad_(True)
        x = base * 1.0
    if preset_grad is not None:
        x.grad = preset_grad.clone()
    first = mod.square_grad(x)
    first = first.detach().clone() if isinstance(first, torch.Tensor) else first
    second = mod.square_grad(x)
    return {"first": first, "second": second, "after": _state(x)}


def square_grad_changed(mod, x, delta):
    """Call square_grad on x, change x's values in place by adding delta (as a training step does to a parameter),
    and call it again on the same tensor object: report both results, the first result read again after the second
    call, and x's values after the change. The change is
    made on a copy of the x the judge sent (the judge's own tensors come back as they were sent, or fail the call)."""
    x = x.detach().clone().requires_grad_(x.requires_grad)
    raw = mod.square_grad(x)
    first = raw.detach().clone() if isinstance(raw, torch.Tensor) else raw
    with drive.grad_mode(False):
        x.add_(delta)
    second = mod.square_grad(x)
    # the first result object itself, read again after the second call: a buffer the next call writes into shows here
    first_later = raw.detach().clone() if isinstance(raw, torch.Tensor) else raw
    return {"first": first, "second": second, "x_after": x.detach().clone(), "first_later": first_later}


def vjp(mod, name, x, v, A=None, preset_grad=None):
    """With preset_grad, x.grad holds it before the call (a leaf x that requires grad)."""
    if preset_grad is not None:
        x.grad = preset_grad.clone()
    out = mod.vjp(function(name, A), x, v)
    return {"value": out, "x_grad": x.grad, "after": _state(x)}


def jacobian(mod, name, x, A=None, preset_grad=None):
    """With preset_grad, x.grad holds it before the call (a leaf x that requires grad)."""
    if preset_grad is not None:
        x.grad = preset_grad.clone()
    out = mod.jacobian(function(name, A), x)
    return {"value": out, "x_grad": x.grad, "after": _state(x)}


def grad_mode_after_no_grad(mod, target, x, fn=None, v=None):
    """The learner's square_grad(x), vjp(f, x, v) or jacobian(f, x) (target) called inside torch.no_grad(), as a
    caller's evaluation code may: whether grad mode is still off right after the call, read inside the block (the
    block's exit would put grad mode back and hide a call that switched it on with torch.set_grad_enabled(True) and
    never back). What the call returns or raises under no_grad is not graded (the task does not say); only a stub's
    NotImplementedError goes through. A forged answer could only hide the learner's own mistake."""
    args = (x,) if target == "square_grad" else (function(fn), x) + ((v,) if target == "vjp" else ())
    return drive.grad_mode_after_no_grad(lambda: getattr(mod, target)(*args))
