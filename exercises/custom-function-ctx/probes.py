"""Trusted helpers for custom-function-ctx, run in the worker (and imported by the graders, to build the same big
tensors for the memory check). They only drive the learner's Functions; every comparison is in the graders."""

import torch

from grader import drive


def backward_returns(mod, a, b, a_needs, b_needs):
    """What MatMul's backward itself returns (called directly through the node), when only some inputs require grad.

    The engine drops a gradient that is not needed, so only this shows whether backward skipped it.
    """
    a = a.detach().requires_grad_(a_needs)
    b = b.detach().requires_grad_(b_needs)
    out = mod.MatMul.apply(a, b)
    returned = out.grad_fn.apply(torch.ones_like(out))
    returned = returned if isinstance(returned, tuple) else (returned,)
    return list(returned)


def outputs(mod, name, x, *args):
    """Apply a Function (positional arguments only) to an x that requires grad: the outputs and whether each
    requires grad."""
    x = x.detach().requires_grad_(True)
    outs = getattr(mod, name).apply(x, *args)
    outs = outs if isinstance(outs, tuple) else (outs,)
    return {"outs": list(outs), "requires_grad": [bool(getattr(o, "requires_grad", False)) for o in outs]}


def values_grad(mod, name, x, g, *args):
    """The gradient of (first output * g).sum(), also when the loss uses the second output (which must not matter)."""
    x = x.detach().requires_grad_(True)
    first, second = getattr(mod, name).apply(x, *args)
    loss = (first * g).sum()
    if second.is_floating_point() and second.requires_grad:
        loss = loss + (second * 1000.0).sum()
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def clamp_double_backward(mod, x, g, v, low, high):
    """d/dg of (the gradient for x under incoming gradient g), applied to v: double backward through Clamp."""
    x = x.detach().requires_grad_(True)
    g = g.detach().requires_grad_(True)
    y, _ = mod.Clamp.apply(x, low, high)
    (gx,) = torch.autograd.grad(y, x, g, create_graph=True)
    if not gx.requires_grad:
        return torch.zeros_like(v)
    (gg,) = torch.autograd.grad(gx, g, v)
    return gg


def big_pair(which, n):
    """The MatMul inputs of the memory check: the input that requires grad is a row (which='a': a is (1, n)) or a
    column (which='b': b is (n, 1)); the other one is n x n, so that its gradient, if formed, is n x n too."""
    square = torch.linspace(-1.0, 1.0, n * n, dtype=torch.float64).reshape(n, n)
    if which == "a":
        return torch.linspace(-1.0, 1.0, n, dtype=torch.float64).reshape(1, n), square
    return square, torch.linspace(-1.0, 1.0, n, dtype=torch.float64).reshape(n, 1)


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right MatMul's forward and backward
    compute for the memory check (a @ b, then only the gradient that is needed: g @ b.T for a row a, a.T @ g for a
    column b), with torch's matmul and with einsum (its first call imports and caches more), so that one-off costs
    (first use of these kernels at this size) are paid before the judge reads the worker's size."""
    for which in ("a", "b"):
        a, b = big_pair(which, 2048)
        leaf = (a if which == "a" else b).requires_grad_(True)
        out = a @ b
        g = torch.ones_like(out)
        torch.autograd.grad(out, leaf, g)
        with drive.grad_mode(False):
            torch.einsum("ik,kj->ij", a, b)
            torch.einsum("ij,kj->ik", g, b) if which == "a" else torch.einsum("ik,ij->kj", a, g)


_STATE = {}


def matmul_prepare(mod, which, n):
    """Forward through MatMul with only one input requiring grad; keep the output for matmul_backward."""
    _STATE.clear()
    a, b = big_pair(which, n)
    (a if which == "a" else b).requires_grad_(True)
    _STATE.update(out=mod.MatMul.apply(a, b), leaf=a if which == "a" else b)
    return None


def matmul_backward(mod, g_seed=None):
    """The engine's backward through the kept output, for the one input that requires grad. The incoming gradient is
    ones, or, with g_seed (drawn per run by the judge and sent only with this request), standard normal from that
    seed: the forward ran in an unmeasured request, where a fixed incoming gradient would let backward's answer be
    formed in advance."""
    out, leaf = _STATE["out"], _STATE["leaf"]
    g = incoming(g_seed, tuple(out.shape)) if g_seed is not None else torch.ones_like(out)
    (grad,) = torch.autograd.grad(out, leaf, g)
    return grad


def incoming(g_seed, shape):
    """matmul_backward's incoming gradient for g_seed (float64, standard normal): the judge makes the same."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(g_seed), dtype=torch.float64)


def release(mod):
    _STATE.clear()
    return None


def two_calls_grads(mod, name, calls, incoming, output=None):
    """Two applies of one Function (different arguments) before any backward, then one backward through both (the
    harness the grader runs torch through): the gradient for each input. A Function that keeps per-call state
    anywhere but on ctx mixes the calls up."""
    return drive.grads_of_calls(getattr(mod, name).apply, calls, incoming, output=output)
