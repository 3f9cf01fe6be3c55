"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: grad_penalty switches grad mode on with set_grad_enabled(True) and does not restore it (called under no_grad it leaves grad on)."""
"""Reference solution for custom-loss-once-differentiable (seed 000-37)."""

# %%
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable


# %% [markdown]
# A custom loss as a `torch.autograd.Function`: the Huber loss, mean over all elements,
#
#     huber(r) = r^2 / 2                    if |r| <= delta
#                delta * (|r| - delta / 2)  otherwise,         r = pred - target,
#
# whose derivative with respect to pred is `clamp(r, -delta, delta) / numel` (and minus that
# for target).
#
# `@once_differentiable` on a backward says "this backward is not itself differentiable": it
# runs under `no_grad`, so you may use in-place ops or non-torch code inside it. Its result
# carries no graph; when the incoming gradient itself requires grad, PyTorch gives the result
# an error node instead, and `.backward()` through it raises "trying to differentiate twice a
# function that was marked with @once_differentiable". Beware the quiet case: a gradient that
# picks up a graph elsewhere (pred = w * x) differentiates without any error, just wrongly,
# as if the once-differentiable part were constant. That is the right tool when you never need
# second derivatives, and the wrong one when you do: gradient penalties (WGAN-GP, input
# gradient regularisation), Hessian-vector products and meta-learning all differentiate a
# gradient. Write both versions and a gradient penalty that needs the differentiable one.
#
# One more trap for double backward: save the *inputs* (or outputs) with `save_for_backward`,
# not an intermediate such as `pred - target` computed inside forward. Forward runs without
# recording a graph, so an intermediate has no history, and a backward built from it looks
# constant to the second differentiation.

# %%
class HuberLoss(Function):
    """Mean Huber loss; its backward is built from differentiable ops (double backward works)."""

    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ### BEGIN SOLUTION
        # save the inputs, not r: a tensor made inside forward has no history, so a backward built
        # from it could not be differentiated with respect to pred and target
        ctx.save_for_backward(pred, target)
        ctx.delta = delta
        r = pred - target
        a = r.abs()
        return torch.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).mean()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        pred, target = ctx.saved_tensors
        r = pred - target
        g = torch.clamp(r, -ctx.delta, ctx.delta) * (grad_out / r.numel())
        return (g if ctx.needs_input_grad[0] else None), (-g if ctx.needs_input_grad[1] else None), None
        ### END SOLUTION


class HuberLossOnce(Function):
    """The same loss, with a backward marked @once_differentiable (it may work in place)."""

    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        ### BEGIN SOLUTION
        return HuberLoss.forward(ctx, pred, target, delta)
        ### END SOLUTION

    @staticmethod
    ### BEGIN SOLUTION
    @once_differentiable
    ### END SOLUTION
    ### BEGIN STUB
    ### END STUB
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        pred, target = ctx.saved_tensors
        g = (pred - target).clamp_(-ctx.delta, ctx.delta).mul_(grad_out / pred.numel())  # in place: fine here
        return g, -g, None
        ### END SOLUTION


# %%
def grad_penalty(pred, target, delta=1.0):
    """The squared 2-norm of d HuberLoss(pred, target, delta) / d pred, as a 0-d tensor that is itself
    differentiable with respect to pred (so that it can be added to a loss and back-propagated)."""
    ### BEGIN SOLUTION
    torch.set_grad_enabled(True)
    leaf = pred if pred.requires_grad else pred.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(HuberLoss.apply(leaf, target, delta), leaf, create_graph=True)
    return (g * g).sum()
    ### END SOLUTION
