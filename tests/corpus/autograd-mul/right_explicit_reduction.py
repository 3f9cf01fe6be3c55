"""Correct, written differently: reduces the broadcast dimensions by hand instead of sum_to_size."""
import torch


def reduce_to(grad, shape):
    # sum away leading dimensions, then every dimension where the input had size 1
    while grad.dim() > len(shape):
        grad = grad.sum(dim=0)
    for dim, size in enumerate(shape):
        if size == 1 and grad.shape[dim] != 1:
            grad = grad.sum(dim=dim, keepdim=True)
    return grad


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return torch.mul(x, y)

    @staticmethod
    def backward(ctx, grad_out):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        return (reduce_to(grad_out * y, x.shape) if need_x else None,
                reduce_to(grad_out * x, y.shape) if need_y else None)
