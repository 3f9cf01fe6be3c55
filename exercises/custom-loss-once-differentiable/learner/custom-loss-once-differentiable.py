# %% [markdown]
# # A custom loss Function twice: differentiable backward for gradient penalties, and @once_differentiable
#
# `custom-loss-once-differentiable` · code · hard · about 35 min
#
# Write the mean Huber loss twice as a `torch.autograd.Function`, `HuberLoss` and `HuberLossOnce`, each called as
# `.apply(pred, target, delta=1.0)` (delta a Python float): the value and the gradients for `pred` and `target` equal
# `F.huber_loss(pred, target, delta=delta)`'s (reduction "mean"), for any shape, float32 or float64 (the loss is a 0-d
# tensor of pred's dtype), also for residuals in the thousands.
#
# * `HuberLoss`'s backward is built from differentiable operations: double backward works (gradgradcheck).
# * `HuberLossOnce`'s backward is decorated with `@once_differentiable`. Its first derivatives are right, also when
#   taken with `create_graph=True` (that call does not raise), but its gradient cannot be differentiated again. Under a
#   plain incoming gradient (`torch.autograd.grad(loss, pred, create_graph=True)`) the gradient carries no graph
#   (`requires_grad` is False). When the incoming gradient itself requires grad, the gradient's `grad_fn` is PyTorch's
#   error node, and calling `.backward()` on anything built from it raises "trying to differentiate twice a function
#   that was marked with @once_differentiable" (in that call, not in the first backward).
#
# Then write `grad_penalty(pred, target, delta=1.0)`: the squared 2-norm of the gradient of `HuberLoss` with respect to
# `pred`, returned as a 0-d tensor of pred's dtype that is itself differentiable with respect to `pred` (it works
# whether or not `pred` requires grad, and leaves the caller's `pred` as it was: it never switches on its
# `requires_grad`). `F.huber_loss`, `F.smooth_l1_loss` and their `nn` modules are off limits.
#
# The sample answer's custom op is right, but its demo input lacks `requires_grad=True`, and it never says when a custom backward
# can be differentiated again.
#
# Check your work: `prep check custom-loss-once-differentiable`. Stuck? `prep hint custom-loss-once-differentiable`.

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
        raise NotImplementedError("custom-loss-once-differentiable: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-loss-once-differentiable: your code here")


class HuberLossOnce(Function):
    """The same loss, with a backward marked @once_differentiable (it may work in place)."""

    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        raise NotImplementedError("custom-loss-once-differentiable: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-loss-once-differentiable: your code here")

# %%
def grad_penalty(pred, target, delta=1.0):
    """The squared 2-norm of d HuberLoss(pred, target, delta) / d pred, as a 0-d tensor that is itself
    differentiable with respect to pred (so that it can be added to a loss and back-propagated)."""
    raise NotImplementedError("custom-loss-once-differentiable: your code here")
