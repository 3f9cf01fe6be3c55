"""Trusted helpers for higher-order-grad, run in the worker (and imported by the graders for the closed forms'
names): the functions, by name. The probe only calls the learner's nth_derivative and reports what it returned and
the state of x around the call."""

import torch
from grader import drive

_W = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)  # a parameter the function closes over

FUNCTIONS = {
    "cube": lambda x: x ** 3,
    "sin": torch.sin,
    "x_exp": lambda x: x * torch.exp(x),
    "quartic": lambda x: x ** 4 - 2 * x,
    "tanh": torch.tanh,
    "linear": lambda x: 3 * x + 1,  # its first derivative no longer requires grad
    "square": lambda x: x * x,  # its second derivative is a constant that does not require grad
    "const": lambda x: torch.full_like(x, 2.5),
    # f(x) = x hands back x itself, a leaf without grad_fn that still requires grad: its derivative is ones
    "identity": lambda x: x,  # a constant that never requires grad: every derivative is zero
    # its first derivative, w = 2, depends on the parameter w but not on x: autograd.grad gives None for x after that
    "param_linear": lambda x: x * _W.to(x.dtype) + _W.to(x.dtype) ** 2,
}


def _fails(x):
    """An f that raises after some work (a learner's f can fail for its inputs)."""
    torch.sin(x) * 2
    raise ValueError("f cannot be evaluated at these points")


def prepared(x, preset_grad=None, nonleaf=False):
    """The x that nth_derivative is given: the tensor sent, or with nonleaf x * 1 of a leaf made from it, with
    preset_grad in its .grad. The judge builds the same from its own copy to know the state before the call."""
    if nonleaf:
        x = x.detach().requires_grad_() * 1.0
    if preset_grad is not None:
        x.grad = preset_grad.clone()
    return x


def state(x):
    """x's values, requires_grad and .grad (None for a non-leaf, whose .grad is not kept)."""
    g = x.grad if x.is_leaf else None
    return {"values": x.detach().clone(), "requires_grad": bool(x.requires_grad),
            "grad": None if g is None else g.detach().clone()}


def derivative(mod, name, x, n, preset_grad=None, nonleaf=False, outer_no_grad=False):
    """The learner's n-th derivative, whether it is still differentiable (and the gradient of its sum with respect
    to x when it is), and x's state after the call. With preset_grad, x.grad holds it before the call.
    With nonleaf, x is handed over as a non-leaf tensor that requires grad (x * 1 of a leaf), as an intermediate
    of a larger computation would be. With outer_no_grad the caller runs it inside torch.no_grad(), and the reply
    says whether grad mode was still off right after the call (inside the caller's block)."""
    x = prepared(x, preset_grad, nonleaf)
    grad_mode_after = None
    if outer_no_grad:  # what it answers there is not graded (the task does not say): only the caller's grad mode
        with drive.grad_mode(False):
            try:
                d = mod.nth_derivative(FUNCTIONS[name], x, n)
            except Exception as e:  # the learner's error is the result here
                return {"raised": type(e).__name__, "grad_mode_after": torch.is_grad_enabled(), "after": state(x)}
            grad_mode_after = torch.is_grad_enabled()
    else:
        d = mod.nth_derivative(FUNCTIONS[name], x, n)
    out = {"value": d, "x_grad": x.grad if x.is_leaf else None, "grad_mode_after": grad_mode_after,
           "requires_grad": bool(getattr(d, "requires_grad", False)), "next": None, "after": state(x)}
    if isinstance(d, torch.Tensor) and d.requires_grad and x.requires_grad:
        (nxt,) = torch.autograd.grad(d.sum(), x, allow_unused=True)
        out["next"] = torch.zeros_like(x) if nxt is None else nxt
    return out


def derivative_when_f_raises(mod, x, n):
    """nth_derivative with an f that raises ValueError: the type name of what it raised (None if nothing), and x's
    state afterwards."""
    try:
        mod.nth_derivative(_fails, x, n)
        raised = None
    except Exception as e:  # the learner's error (or f's) is the result here
        raised = type(e).__name__
    return {"raised": raised, "after": state(x)}
