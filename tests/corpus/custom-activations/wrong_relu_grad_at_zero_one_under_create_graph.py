"""Breaks: "and at exactly 0, where the gradient of ReLU is 0 as in PyTorch". Angle: N. How: the double-backward-friendly mask is built from (x >= 0) only when the incoming gradient requires grad (create_graph), (x > 0) otherwise."""

# %%
import torch
from torch.autograd import Function


# %% [markdown]
# Three activations as `torch.autograd.Function`s, with your own forward formulas
# (`torch.sigmoid`, `torch.tanh`, `torch.relu`, their `nn` / `F` / method forms, and the
# built-ins that hand one of them back, such as `silu`, `softplus` or `softmax`, are off
# limits) and your own derivatives:
#
# * sigmoid'(x) = s (1 - s) and tanh'(x) = 1 - t^2 are functions of the *output*: save the
#   output with `ctx.save_for_backward` and nothing else (the seed saves the input and
#   recomputes the sigmoid twice in backward): the graders measure what stays in memory.
# * ReLU is not differentiable at 0; PyTorch's convention is relu'(0) = 0 (the seed says 1).
# * The textbook tanh (e^x - e^-x) / (e^x + e^-x) is nan at |x| = 100 in float32 (inf / inf).
#   Pick forms where exp() can only underflow, never overflow into inf / inf.
#
# Build each backward from differentiable tensor operations: double backward must work.

# %%
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        # exp(-|x|) never overflows; split on the sign so that 1 + e stays away from inf
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        (out,) = ctx.saved_tensors
        return grad_out * out * (1 - out)
        ### END SOLUTION


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        # tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) in (0, 1]: no inf / inf
        e = torch.exp(-2 * x.abs())
        out = torch.sign(x) * (1 - e) / (1 + e)
        ctx.save_for_backward(out)
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        (out,) = ctx.saved_tensors
        return grad_out * (1 - out * out)
        ### END SOLUTION


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        return torch.where(x > 0, x, torch.zeros_like(x))
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        # strictly positive: the gradient at exactly 0 is 0, as for torch.relu
        mask = (x >= 0) if grad_out.requires_grad else (x > 0)
        return grad_out * mask.to(grad_out.dtype)
        ### END SOLUTION
