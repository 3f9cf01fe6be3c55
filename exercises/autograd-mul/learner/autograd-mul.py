# %% [markdown]
# # A custom autograd Function: multiplication with broadcasting
#
# `autograd-mul` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write `class Mul(torch.autograd.Function)` so that `Mul.apply(x, y)` equals `x * y` for float tensors of any dtype,
# including shapes that broadcast (for example x of shape (3, 1) and y of shape (1, 4)).
#
# `backward(ctx, grad_z)` must return one gradient per input, each with exactly that input's shape (return `None` for
# an input that does not need a gradient: see `ctx.needs_input_grad`). Build the gradients from differentiable tensor
# operations so that double backward (`gradgradcheck`) works as well.
#
# The interview question behind this one: the graph is built as ops run on tensors that require grad; a custom
# `autograd.Function` is how you add your own op to it. Note that the sample answer gets this wrong in several ways:
# it returns a single gradient `grad_output * (x + y)` for two inputs, and it instantiates the Function instead of
# calling `Mul.apply`.
#
# 编写 `class Mul(torch.autograd.Function)`，使 `Mul.apply(x, y)` 对任意 dtype 的浮点张量都等于 `x * y`，包括会广播的形状（例如形状为 (3, 1) 的 x 和形状为 (1, 4) 的 y）。
#
# `backward(ctx, grad_z)` 必须为每个输入返回一个梯度，每个梯度的形状与对应输入的形状完全相同（对不需要梯度的输入返回 `None`：见 `ctx.needs_input_grad`）。用可微的张量运算构造这些梯度，使二阶反向传播（`gradgradcheck`）也能正常工作。
#
# 这道题背后的面试题：计算图是在对需要梯度的张量执行运算时构建的；自定义 `autograd.Function` 是把你自己的运算加入计算图的方式。请注意，示例答案在好几处都弄错了：它对两个输入只返回了一个梯度 `grad_output * (x + y)`，而且它实例化了 Function，而不是调用 `Mul.apply`。
#
# Check your work: `prep check autograd-mul`. Stuck? `prep hint autograd-mul`.
#
# 检查你的答案：`prep check autograd-mul`。卡住了？`prep hint autograd-mul`。

# %%
import torch

# %% [markdown]
# `forward` saves what `backward` needs; `backward` returns one gradient per input.
# With broadcasting, `x * y` can be larger than `x` or `y`: the gradient of an
# input must be summed back down to that input's shape.

# %%
class Mul(torch.autograd.Function):
    """z = x * y, with broadcasting, for any float dtype."""

    @staticmethod
    def forward(ctx, x, y):
        raise NotImplementedError("autograd-mul: your code here")

    @staticmethod
    def backward(ctx, grad_z):
        raise NotImplementedError("autograd-mul: your code here")
