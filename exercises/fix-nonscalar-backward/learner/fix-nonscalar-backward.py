# %% [markdown]
# # Fix the sample answer's autograd demo: backward on a non-scalar, vector-Jacobian products and full Jacobians
#
# `fix-nonscalar-backward` · fix-bug / 修复 bug · easy / 简单 · about 25 min / 约 25 分钟
#
# The stub of `square_grad(x)` is the sample answer's demo, and it raises. Fix it: `square_grad(x)` returns the gradient of
# `sum(x ** 2)` at `x` (that is 2x, not the sample answer's [2, 2, 2]), a tensor of x's shape and dtype, for x of any shape,
# with or without `requires_grad` (a leaf, or an intermediate of the caller's own graph). It must not write into the
# caller's `x.grad` (None, or whatever gradient the caller left there) or change `x` (its values or its
# `requires_grad`): calling it twice on the same tensor gives the same answer.
#
# Then write `vjp(f, x, v)`, the vector-Jacobian product v^T J of `f` at `x` (x's shape; `v` has the shape of `f(x)`),
# and `jacobian(f, x)`, the full Jacobian of shape `f(x).shape + x.shape` (an empty tensor of that shape when `f(x)`
# has no elements). Both give zeros when `f(x)` does not depend
# on `x`, also when `f(x)` requires grad only through a parameter `f` closes over. Both leave `x` as it was and work
# whether or not `x` requires grad. Use `torch.autograd.grad` or `backward` yourself: `torch.autograd.functional` and
# torch.func's derivative transforms (`grad`, `vjp`, `jvp`, `jacrev`, `jacfwd`, `hessian`, `linearize`) are off limits.
#
# `square_grad(x)` 的初始代码就是示例答案的演示，它会抛出异常。修好它：`square_grad(x)` 返回 `sum(x ** 2)` 在 `x` 处的梯度（即 2x，而不是示例答案的 [2, 2, 2]），一个形状和 dtype 都与 x 相同的张量，x 可以是任意形状，需要或不需要梯度都可以（叶子张量，或调用者自己计算图中的中间张量）。它不能写入调用者的 `x.grad`（None，或调用者留在那里的任何梯度），也不能改变 `x`（它的值或它的 `requires_grad`）：对同一个张量调用两次得到相同的答案。
#
# 然后编写 `vjp(f, x, v)`，即 `f` 在 `x` 处的向量-雅可比积 v^T J（形状与 x 相同；`v` 的形状与 `f(x)` 相同），以及 `jacobian(f, x)`，即形状为 `f(x).shape + x.shape` 的完整雅可比矩阵（当 `f(x)` 没有元素时，是这个形状的空张量）。当 `f(x)` 不依赖于 `x` 时两者都给出零，`f(x)` 只是因为 `f` 闭包中的某个参数才需要梯度时也是如此。两者都保持 `x` 原样，无论 `x` 是否需要梯度都能工作。自己使用 `torch.autograd.grad` 或 `backward`：禁止使用 `torch.autograd.functional` 以及 torch.func 的求导变换（`grad`、`vjp`、`jvp`、`jacrev`、`jacfwd`、`hessian`、`linearize`）。
#
# Check your work: `prep check fix-nonscalar-backward`. Stuck? `prep hint fix-nonscalar-backward`.
#
# 检查你的答案：`prep check fix-nonscalar-backward`。卡住了？`prep hint fix-nonscalar-backward`。

# %%
import torch

# %% [markdown]
# `backward()` with no argument only works on a scalar. For a non-scalar `y`, autograd
# needs the vector `v` to multiply the Jacobian by: `y.backward(v)` or
# `torch.autograd.grad(y, x, grad_outputs=v)` computes the vector-Jacobian product
# `v^T J`, one reverse sweep whatever the size of `y`. With `v = ones` it is the gradient
# of `y.sum()`.
#
# The stub is the seed's answer ("briefly describe PyTorch's autograd"): run it. Then also
# mind that `.grad` *accumulates*: calling the function twice on the caller's tensor
# must not double the answer.

# %%
def square_grad(x):
    """The gradient of sum(x ** 2) at x, a new tensor of x's shape; x and x.grad are left as they were."""
    x.requires_grad_(True)
    y = x**2
    y.backward()
    # seed comment: x.grad is tensor([2., 2., 2.])
    return x.grad

# %% [markdown]
# Now the general tools. `f` is a function from a tensor to a tensor (any shapes).
#
# * `vjp(f, x, v)` returns `v^T J` at `x`, with x's shape (`v` has the shape of `f(x)`).
# * `jacobian(f, x)` returns the full Jacobian, of shape `f(x).shape + x.shape`: one
#   vector-Jacobian product per output element. A function whose output does not depend
#   on `x` has a zero Jacobian (and a zero vjp), even if its output requires grad through
#   a parameter: `torch.autograd.grad` then says x is unused (`allow_unused=True` gives None).
#
# Neither may write into `x.grad` or change `x`, and both must work whether or not `x`
# requires grad. `torch.autograd.functional` and torch.func's derivative transforms are
# off limits.

# %%
def vjp(f, x, v):
    """v^T J of f at x, with x's shape."""
    raise NotImplementedError("fix-nonscalar-backward: your code here")


def jacobian(f, x):
    """The Jacobian of f at x, of shape f(x).shape + x.shape."""
    raise NotImplementedError("fix-nonscalar-backward: your code here")
