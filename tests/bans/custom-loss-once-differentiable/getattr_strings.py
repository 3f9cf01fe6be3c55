"""Channel: F.huber_loss reached by a name built from strings."""
import torch
from torch.autograd.function import once_differentiable



def _loss(pred, target, delta):
    return getattr(torch.nn.functional, 'huber' + '_loss')(pred, target, delta=delta)


class HuberLoss(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        return _loss(pred, target, delta)

    @staticmethod
    def backward(ctx, g):
        pred, target = ctx.saved_tensors
        grad = torch.clamp(pred - target, -ctx.delta, ctx.delta) * (g / pred.numel())
        return grad, -grad, None


class HuberLossOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        return _loss(pred, target, delta)

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        pred, target = ctx.saved_tensors
        grad = torch.clamp(pred - target, -ctx.delta, ctx.delta) * (g / pred.numel())
        return grad, -grad, None


def grad_penalty(pred, target, delta=1.0):
    with torch.enable_grad():
        leaf = pred if pred.requires_grad else pred.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(HuberLoss.apply(leaf, target, delta), leaf, create_graph=True)
        return (g * g).sum()
