"""Takes the gradient in grad_penalty without create_graph=True: the penalty is a constant."""

import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

class HuberLoss(Function):
    """Mean Huber loss; its backward is built from differentiable ops (double backward works)."""

    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        # save the inputs, not r: a tensor made inside forward has no history, so a backward built
        # from it could not be differentiated with respect to pred and target
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        r = pred - target
        a = r.abs()
        return torch.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).mean()

    @staticmethod
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        r = pred - target
        g = torch.clamp(r, -ctx.delta, ctx.delta) * (grad_out / r.numel())
        return (g if ctx.needs_input_grad[0] else None), (-g if ctx.needs_input_grad[1] else None), None


class HuberLossOnce(Function):
    """The same loss, with a backward marked @once_differentiable (it may work in place)."""

    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        return HuberLoss.forward(ctx, pred, target, delta)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        g = (pred - target).clamp_(-ctx.delta, ctx.delta).mul_(grad_out / pred.numel())  # in place: fine here
        return g, -g, None

def grad_penalty(pred, target, delta=1.0):
    """The squared 2-norm of d HuberLoss(pred, target, delta) / d pred, as a 0-d tensor that is itself
    differentiable with respect to pred (so that it can be added to a loss and back-propagated)."""
    with torch.enable_grad():
        leaf = pred if pred.requires_grad else pred.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(HuberLoss.apply(leaf, target, delta), leaf)
        return (g * g).sum()
