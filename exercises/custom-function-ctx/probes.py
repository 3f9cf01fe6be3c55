"""Trusted helpers for custom-function-ctx, run in the worker."""

import torch


def backward_returns(mod, a, b, a_needs, b_needs):
    """What MatMul's backward itself returns (called directly through the node), when only some inputs require grad.

    The engine drops a gradient that is not needed, so only this shows whether backward skipped it.
    """
    a = a.detach().requires_grad_(a_needs)
    b = b.detach().requires_grad_(b_needs)
    out = mod.MatMul.apply(a, b)
    returned = out.grad_fn.apply(torch.ones_like(out))
    returned = returned if isinstance(returned, tuple) else (returned,)
    return [r if isinstance(r, torch.Tensor) or r is None else type(r).__name__ for r in returned]


def outputs(mod, name, x, *args):
    """Apply a Function to an x that requires grad: the outputs and whether each requires grad."""
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
    """d/dg of (the gradient for x under incoming gradient g), applied to v: double backward through Clamp.
    (learner.function cannot pass the float arguments, so this runs here.)"""
    x = x.detach().requires_grad_(True)
    g = g.detach().requires_grad_(True)
    y, _ = mod.Clamp.apply(x, low, high)
    (gx,) = torch.autograd.grad(y, x, g, create_graph=True)
    if not gx.requires_grad:
        return torch.zeros_like(v)
    (gg,) = torch.autograd.grad(gx, g, v)
    return gg
