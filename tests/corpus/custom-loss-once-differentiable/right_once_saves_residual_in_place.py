"""Once version saves the intermediate r = pred - target and works in place in its
backward: fine, because @once_differentiable's backward is never differentiated again (the README's trap is only for
the differentiable backward). Defensive: checks shapes, needs_input_grad.
"""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable


def _huber(r, delta):
    a = r.abs()
    return torch.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).mean()


class HuberLoss(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        return _huber(pred - target, delta)

    @staticmethod
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        g = grad_out * (pred - target).clamp(-ctx.delta, ctx.delta) / pred.numel()
        return g, -g, None

class HuberLossOnce(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        if pred.shape != target.shape:
            raise ValueError("pred and target must have the same shape")
        r = pred - target
        ctx.save_for_backward(r)
        ctx.delta = float(delta)
        return _huber(r, delta)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (r,) = ctx.saved_tensors
        g = r.clamp(-ctx.delta, ctx.delta)
        g.mul_(grad_out).div_(r.numel())
        gp = g if ctx.needs_input_grad[0] else None
        gt = -g if ctx.needs_input_grad[1] else None
        return gp, gt, None

def grad_penalty(pred, target, delta=1.0):
    p = pred if pred.requires_grad else pred.detach().requires_grad_()
    (g,) = torch.autograd.grad(HuberLoss.apply(p, target, delta), p, create_graph=True)
    return (g * g).sum()
