"""Correct, written differently: Huber as 0.5 * clamp(r)^2 + delta * relu(|r| - delta) (no where), a shared helper
for the gradient, the once version copying it under no_grad, and a penalty through a fresh leaf every time."""
import torch
from torch.autograd.function import Function, once_differentiable


def _huber_mean(r, delta):
    inside = r.clamp(-delta, delta)
    return (0.5 * inside * inside + delta * (r.abs() - delta).clamp(min=0)).mean()


def _grad(pred, target, delta, upstream):
    return (pred - target).clamp(-delta, delta) * upstream / pred.numel()


class HuberLoss(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        return _huber_mean(pred - target, delta)

    @staticmethod
    def backward(ctx, upstream):
        pred, target = ctx.saved_tensors
        g = _grad(pred, target, ctx.delta, upstream)
        return g, g.neg(), None


class HuberLossOnce(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        return _huber_mean(pred - target, delta)

    @staticmethod
    @once_differentiable
    def backward(ctx, upstream):
        pred, target = ctx.saved_tensors
        g = _grad(pred, target, ctx.delta, upstream)
        return g, -g, None


def grad_penalty(pred, target, delta=1.0):
    with torch.enable_grad():
        x = pred if pred.requires_grad else pred.detach().requires_grad_()
        loss = HuberLoss.apply(x, target, delta)
        grad = torch.autograd.grad(loss, [x], create_graph=True)[0]
    return grad.pow(2).sum()
