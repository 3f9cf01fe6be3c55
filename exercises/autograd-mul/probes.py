"""Trusted helpers for autograd-mul, run in the worker. They only drive the learner's Mul; every comparison
happens in the graders."""

import torch

from grader import drive


def raw_backward(mod, x, y, g, x_needs=True, y_needs=True):
    """What Mul.backward itself returns, called directly through the output's node.

    The engine silently reduces a gradient that is broadcastable to its input's shape and drops a
    gradient nobody asked for, so only calling backward directly shows what it returns.
    """
    x = x.detach().requires_grad_(x_needs)
    y = y.detach().requires_grad_(y_needs)
    out = mod.Mul.apply(x, y)
    node = getattr(out, "grad_fn", None)
    if node is None:
        return "no grad_fn"
    grads = node.apply(g)
    return list(grads) if isinstance(grads, tuple) else [grads]


def grads_then_inputs(mod, x, y, g):
    """Gradients of Mul.apply(x, y) for incoming gradient g, taken with torch.autograd.grad and again with
    out.backward(g), then x, y and g as they are afterwards: the judge compares them with what it sent."""
    x = x.detach().requires_grad_()
    y = y.detach().requires_grad_()
    grads = torch.autograd.grad(mod.Mul.apply(x, y), (x, y), g)
    mod.Mul.apply(x, y).backward(g)
    return [t.detach() if isinstance(t, torch.Tensor) else t for t in grads], [x.grad, y.grad], x.detach(), \
        y.detach(), g


def self_product(mod, x, g, view=False):
    """The gradient for x of Mul.apply(x, x) (the same tensor object as both inputs) or of Mul.apply(x, x.view(...))
    for incoming gradient g, through torch.autograd.grad; the judge compares it with 2 * g * x."""
    x = x.detach().requires_grad_()
    second = x.view(x.shape) if view else x
    (gx,) = torch.autograd.grad(mod.Mul.apply(x, second), (x,), g)
    return gx


def two_products(mod, calls, incoming):
    """Gradients for x1, y1, x2, y2 of two Mul.apply calls made one after the other before a single backward through
    both (the harness the grader runs torch.mul through): each call's backward must use its own inputs (ctx)."""
    return drive.grads_of_calls(mod.Mul.apply, calls, incoming)
