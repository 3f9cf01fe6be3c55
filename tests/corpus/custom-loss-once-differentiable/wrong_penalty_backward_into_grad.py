"""Violates "the squared 2-norm of the gradient of HuberLoss with respect to pred" and "leaves the caller's pred as it was": grad_penalty back-propagates with .backward(create_graph=True, inputs=[pred]) and reads pred.grad, so a gradient the caller left there is added into the penalty and pred.grad changes."""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable


def _huber_mean(r, delta):
    a = r.abs()
    return torch.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).mean()


class HuberLoss(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = float(delta)
        return _huber_mean(pred - target, delta).to(pred.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        d = ctx.delta
        g = (pred - target).clamp(-d, d) * (grad_out / pred.numel())
        gp = g if ctx.needs_input_grad[0] else None
        gt = -g if ctx.needs_input_grad[1] else None
        return gp, gt, None


class HuberLossOnce(Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = float(delta)
        return _huber_mean(pred - target, delta).to(pred.dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        d = ctx.delta
        g = torch.sub(pred, target)
        g.clamp_(-d, d).mul_(grad_out / pred.numel())
        gp = g if ctx.needs_input_grad[0] else None
        gt = -g if ctx.needs_input_grad[1] else None
        return gp, gt, None


def grad_penalty(pred, target, delta=1.0):
    with torch.enable_grad():
        p = pred if pred.requires_grad else pred.detach().requires_grad_(True)
        loss = HuberLoss.apply(p, target, delta)
        loss.backward(create_graph=True, inputs=[p])
        g = p.grad
        return (g * g).sum()
