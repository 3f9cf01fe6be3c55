# %% [markdown]
# # A custom loss Function twice: differentiable backward for gradient penalties, and @once_differentiable
#
# `custom-loss-once-differentiable` · code / 编写代码 · hard / 困难 · about 35 min / 约 35 分钟
#
# Write the mean Huber loss twice as a `torch.autograd.Function`, `HuberLoss` and `HuberLossOnce`, each called as
# `.apply(pred, target, delta=1.0)` (delta a Python float): the value and the gradients for `pred` and `target` equal
# `F.huber_loss(pred, target, delta=delta)`'s (reduction "mean"), for any shape (empty too: the mean of nothing is
# NaN), float32 or float64 (the loss is a 0-d
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
# 把平均 Huber 损失写成两个 `torch.autograd.Function`：`HuberLoss` 和 `HuberLossOnce`，调用方式都是 `.apply(pred, target, delta=1.0)`（delta 是 Python float）：对任意形状（包括空张量：没有元素的平均值是 NaN）、float32 或 float64（损失是 dtype 与 pred 相同的 0 维张量），损失值以及关于 `pred` 和 `target` 的梯度都等于 `F.huber_loss(pred, target, delta=delta)`（reduction 为 "mean"）的结果，残差达到几千时也是如此。
#
# * `HuberLoss` 的 backward 由可微运算构成：二阶反向传播能正常工作（gradgradcheck）。
# * `HuberLossOnce` 的 backward 用 `@once_differentiable` 装饰。它的一阶导数是对的，用 `create_graph=True` 求导时也是如此（这次调用不会抛出异常），但它的梯度不能再次求导。当传入的梯度是普通梯度时（`torch.autograd.grad(loss, pred, create_graph=True)`），得到的梯度不带计算图（`requires_grad` 为 False）。当传入的梯度本身需要梯度时，得到的梯度的 `grad_fn` 是 PyTorch 的错误节点，对任何由它构造的东西调用 `.backward()` 都会抛出 "trying to differentiate twice a function that was marked with @once_differentiable"（在那次调用中抛出，而不是在第一次反向传播中）。
#
# 然后编写 `grad_penalty(pred, target, delta=1.0)`：`HuberLoss` 关于 `pred` 的梯度的 2-范数的平方，以 dtype 与 pred 相同的 0 维张量返回，并且它本身关于 `pred` 可微（无论 `pred` 是否需要梯度都能工作，并保持调用者的 `pred` 原样：从不打开它的 `requires_grad`）。禁止使用 `F.huber_loss`、`F.smooth_l1_loss` 及其 `nn` 模块。
#
# 示例答案的自定义运算是对的，但它的演示输入缺少 `requires_grad=True`，而且它从没说明自定义 backward 什么时候可以再次求导。
#
# Check your work: `prep check custom-loss-once-differentiable`. Stuck? `prep hint custom-loss-once-differentiable`.
#
# 检查你的答案：`prep check custom-loss-once-differentiable`。卡住了？`prep hint custom-loss-once-differentiable`。

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
