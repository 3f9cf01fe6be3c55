# %% [markdown]
# # n-th derivatives with torch.autograd.grad(create_graph=True)
#
# `higher-order-grad` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write `nth_derivative(f, x, n) -> Tensor` for an elementwise function `f`: it returns the n-th derivative of f at x,
# with the same shape and dtype as x. `n = 0` gives `f(x)`. The result stays differentiable with respect to x (so that
# differentiating it once more gives the (n+1)-th derivative) as long as the derivative still depends on x. Past that
# point (x**3 differentiated four times, or 3x + 1 twice) the derivative is zeros of x's shape and dtype, even where
# autograd stops tracking it (a constant that does not require grad) or reports that it does not depend on x at all
# (`None` from `torch.autograd.grad`). It works whether or not x requires grad, for an x that is a leaf or the result of other operations (`w * 2`, say) alike (and for the identity too, where `f(x)` is x itself), and it leaves x as it was: its values,
# its `requires_grad`, and its `.grad` (None, or whatever gradient the caller had left there).
#
# PyTorch computes gradients by reverse-mode automatic differentiation over the graph recorded during the forward pass,
# not by finite differences as the sample answer claims. Higher derivatives come from differentiating a derivative that was built
# with `create_graph=True`; calling `backward()` twice only adds the first derivative into `x.grad` twice.
#
# 为逐元素函数 `f` 编写 `nth_derivative(f, x, n) -> Tensor`：返回 f 在 x 处的 n 阶导数，形状和 dtype 与 x 相同。`n = 0` 时返回 `f(x)`。只要导数仍依赖于 x，结果就保持关于 x 可微（这样再求一次导就得到 n+1 阶导数）。超过这一点之后（x**3 求四次导，或 3x + 1 求两次导），导数是形状和 dtype 与 x 相同的零，即使 autograd 不再追踪它（一个不需要梯度的常量），或者报告它完全不依赖于 x（`torch.autograd.grad` 返回 `None`）也是如此。无论 x 是否需要梯度、是叶子张量还是其他运算的结果（例如 `w * 2`）都能工作（f 为恒等函数、`f(x)` 就是 x 本身时也一样），并保持 x 原样：它的值、它的 `requires_grad` 以及它的 `.grad`（None，或调用者留在那里的任何梯度）。
#
# PyTorch 通过在前向传播中记录的计算图上做反向模式自动微分来计算梯度，而不是像示例答案所说的那样用有限差分。高阶导数来自对一个用 `create_graph=True` 构造的导数再次求导；调用两次 `backward()` 只会把一阶导数两次累加到 `x.grad` 中。
#
# Check your work: `prep check higher-order-grad`. Stuck? `prep hint higher-order-grad`.
#
# 检查你的答案：`prep check higher-order-grad`。卡住了？`prep hint higher-order-grad`。

# %%
import torch

# %% [markdown]
# `torch.autograd.grad(y, x, grad_outputs, create_graph=True)` returns dy/dx *as a new
# part of the graph*, so it can be differentiated again. Calling `y.backward()` twice does
# not give a second derivative: it adds the first derivative into `x.grad` twice.
# For an elementwise f, `grad_outputs=ones` gives the elementwise derivative.

# %%
def nth_derivative(f, x, n):
    """The n-th derivative of the elementwise function f at x (same shape and dtype as x).

    n = 0 gives f(x). The result stays differentiable with respect to x, and x.grad is not touched.
    """
    raise NotImplementedError("higher-order-grad: your code here")
