"""Violates "the gradient of the first output equals torch.clamp's ... exactly 0 where x was clipped": the
pass-through mask is (x - low) * (high - x) >= 0, which underflows to -0.0 for x = +-1e-300 around bounds (0, 0),
so a clipped entry gets gradient 1 (red team h2, round 18)."""

# %%
import torch
from torch.autograd import Function


# %% [markdown]
# `torch.autograd.Function` is how you add an operation of your own to the graph:
# `forward(ctx, *inputs)` computes the result and stores what backward needs on `ctx`;
# `backward(ctx, *grad_outputs)` gets one incoming gradient per output and returns **one
# gradient per input of forward** (None for an input that is not a tensor or needs none).
# Call it with `.apply(...)`, passing arguments by position: `Sort.apply(x, 0, True)`.
# (`apply` does not fill a skipped default: `Sort.apply(x, descending=True)` raises for a
# plain Function.) Three tools of `ctx`:
#
# * `ctx.save_for_backward(*tensors)` for tensors (read back with `ctx.saved_tensors`); plain
#   Python values can be stored as attributes (`ctx.dim = dim`).
# * `ctx.needs_input_grad`, one bool per input: skip the work for gradients nobody needs.
# * `ctx.mark_non_differentiable(*outputs)` for outputs that have no gradient (indices, masks):
#   they come out with `requires_grad=False`, and their incoming gradient is ignored.
#
# Build every backward from differentiable operations so that double backward works.

# %%
class MatMul(Function):
    """a @ b for 2-D a (n, k) and b (k, m); backward computes only the gradients that are needed."""

    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a @ b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        grad_a = grad_out @ b.T if ctx.needs_input_grad[0] else None
        grad_b = a.T @ grad_out if ctx.needs_input_grad[1] else None
        return grad_a, grad_b
        ### END SOLUTION


class Sort(Function):
    """(values, indices) exactly as torch.sort(x, dim, descending); the indices are not differentiable."""

    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        ### BEGIN SOLUTION
        values, indices = torch.sort(x, dim=dim, descending=descending)
        ctx.save_for_backward(indices)
        ctx.dim = dim
        ctx.mark_non_differentiable(indices)
        return values, indices
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        ### BEGIN SOLUTION
        (indices,) = ctx.saved_tensors
        # values[..., j] = x[..., indices[..., j]]: send each gradient back to where it came from
        grad_x = torch.zeros_like(grad_values).scatter(ctx.dim, indices, grad_values)
        return grad_x, None, None
        ### END SOLUTION


class Clamp(Function):
    """(torch.clamp(x, low, high), clipped) where clipped is 1.0 where x was outside [low, high], else 0.0
    (x's dtype), and not differentiable. The gradient of the first output is torch.clamp's."""

    @staticmethod
    def forward(ctx, x, low, high):
        ### BEGIN SOLUTION
        clipped = ((x < low) | (x > high)).to(x.dtype)
        ctx.save_for_backward((x - low) * (high - x) >= 0)  # where torch.clamp passes the gradient (never at a NaN)
        ctx.mark_non_differentiable(clipped)
        return torch.clamp(x, low, high), clipped
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        ### BEGIN SOLUTION
        (inside,) = ctx.saved_tensors
        # a select, as torch.clamp's backward: grad_y * mask would turn an inf or nan gradient at a clipped entry
        # into nan (0 * inf), where torch.clamp gives 0
        return torch.where(inside, grad_y, 0.0), None, None
        ### END SOLUTION
