"""Trusted helpers for hessian-vector-product, run in the worker (and in the judge, for the references). The probes
only call the learner's functions and report what they returned and x's state around the call."""

import torch
from grader import drive


_W = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)


def _quadratic(A):
    return lambda x: 0.5 * (x.reshape(-1) @ (A @ x.reshape(-1)))


FUNCTIONS = {
    "rosenbrock": lambda x: ((1 - x.reshape(-1)[:-1]) ** 2 + 100 * (x.reshape(-1)[1:] - x.reshape(-1)[:-1] ** 2) ** 2).sum(),
    "logsumexp": lambda x: torch.logsumexp(x.reshape(-1), 0),
    "cubic": lambda x: (x ** 3).sum() + (x.sum()) ** 2,
    "softplus": lambda x: torch.nn.functional.softplus(x).sum() * x.mean(),
    "linear": lambda x: (3.0 * x).sum() + 1.0,
    # linear in x, through a parameter that requires grad: the gradient (w everywhere) requires grad but does not
    # depend on x, so the second torch.autograd.grad finds x unused (None)
    "param_linear": lambda x: (x * _W).sum() + _W ** 2,
    # the second derivative of relu(x)^2 jumps from 0 to 2 at x = 0: at entries within 1e-7 of 0, a difference
    # quotient of gradients (g(x + h v) - g(x - h v)) / 2h straddles the jump for any h it could use
    "relu_square": lambda x: 3.0 * (torch.relu(x) ** 2).sum() + 0.5 * (x ** 2).sum(),
}


def function(name, A=None):
    return _quadratic(A) if name == "quadratic" else FUNCTIONS[name]


def run(mod, which, name, x, v=None, A=None, grad=None):
    """The learner's hvp or hessian, and x's state after the call (the judge knows the state before: what it sent);
    with `grad`, x arrives with that .grad (left by an earlier backward), which the call must leave as it was."""
    f = function(name, A)
    given = None
    if grad is not None:
        x.grad = given = grad.clone()
    out = getattr(mod, which)(f, x) if v is None else getattr(mod, which)(f, x, v)
    x_grad = None if x.grad is None else x.grad.detach().clone()
    after = {"values": x.detach().clone(), "requires_grad": bool(x.requires_grad), "grad": x_grad}
    if given is not None and isinstance(x.grad, torch.Tensor):
        # a write through x.grad reaches the tensor x arrived with only if x.grad is still that tensor: a .grad
        # swapped for an equal copy shows in what the judge reads back (the values, not an identity reported here)
        with drive.grad_mode(False):
            x.grad.add_(1.0)
        after["given_after_mark"] = given
    return {"value": out, "x_grad": x_grad, "after": after}


def grad_mode_after_no_grad(mod, name, x, v):
    """hvp and hessian of `name` at x (and v), each called inside torch.no_grad() as a caller's code may: for each,
    whether grad mode is still on right after the call, read inside the block (the block's exit would put grad mode
    back and hide a call that switched it on with torch.set_grad_enabled(True) and never back). What the calls return
    or raise there is not graded; only a stub's NotImplementedError goes through. A forged answer could only hide the
    learner's own mistake."""
    f = function(name)
    return {"hvp": drive.grad_mode_after_no_grad(lambda: mod.hvp(f, x, v)),
            "hessian": drive.grad_mode_after_no_grad(lambda: mod.hessian(f, x))}


def big_inputs(n):
    """x and v of the warm-up: n values each, fixed (what they hold does not matter there). The measured call gets
    inputs the judge draws per run (hvp_big): fixed ones would let a submission compute their answer in advance, at
    import, where nothing is measured, and return it from the measured call."""
    x = torch.linspace(-1.0, 1.0, n, dtype=torch.float64)
    v = torch.cos(torch.arange(n, dtype=torch.float64))
    return x, v


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right hvp computes, at a small
    size, so that its one-off costs (first use of these kernels and of vectors this long: O(n), never n x n) are
    paid before the judge reads the worker's size."""
    x, v = big_inputs(2048)
    leaf = x.requires_grad_(True)
    (g,) = torch.autograd.grad(FUNCTIONS["cubic"](leaf), leaf, create_graph=True)
    torch.autograd.grad(g, leaf, v)


def hvp_big(mod, x, v):
    """hvp of the "cubic" function (a dense Hessian: diag(6 x) + 2 * ones) at x's n points, x and v drawn by the judge
    per run; only O(n) memory is needed."""
    return mod.hvp(FUNCTIONS["cubic"], x, v)
