"""Trusted helpers for custom-loss-once-differentiable, run in the worker."""

import torch


def run(mod, name, pred, target, delta=None):
    """The loss and its gradients for pred and target (both require grad)."""
    p = pred.detach().requires_grad_(True)
    t = target.detach().requires_grad_(True)
    fn = getattr(mod, name)
    loss = fn.apply(p, t) if delta is None else fn.apply(p, t, delta)
    gp, gt = torch.autograd.grad(loss, (p, t))
    return {"loss": loss, "grad_pred": gp, "grad_target": gt}


def double_backward(mod, name, pred, target):
    """Differentiate the gradient again, as a gradient penalty does: the error message, or None if it works."""
    p = pred.detach().requires_grad_(True)
    fn = getattr(mod, name)
    (g,) = torch.autograd.grad(fn.apply(p, target), p, create_graph=True)
    plain_requires_grad = bool(g.requires_grad)
    # with an incoming gradient that itself requires grad, once_differentiable plants an error node
    go = torch.ones((), dtype=pred.dtype, device=pred.device, requires_grad=True)
    (g,) = torch.autograd.grad(fn.apply(p, target), p, go, create_graph=True)
    try:
        (g * g).sum().backward()
        error = None
    except RuntimeError as e:
        error = str(e)[:300]
    return {"grad_requires_grad": plain_requires_grad, "error": error}


def penalty(mod, pred, target, delta):
    """The learner's penalty and its gradient with respect to pred."""
    p = pred.detach().requires_grad_(True)
    value = mod.grad_penalty(p, target, delta)
    if not (isinstance(value, torch.Tensor) and value.requires_grad):
        return {"value": value, "grad": None}
    (g,) = torch.autograd.grad(value, p)
    return {"value": value, "grad": g}
