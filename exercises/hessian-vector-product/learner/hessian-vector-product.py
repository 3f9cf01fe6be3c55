# %% [markdown]
# # Hessian-vector products without the Hessian: double backward, and the full Hessian from them
#
# `hessian-vector-product` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# For a scalar function `f` of a tensor `x` (any shape, a 0-d x and an x with no elements included), write:
#
# * `hvp(f, x, v)`: the Hessian-vector product H(x) v (x's shape) by double backward (`torch.autograd.grad` with
#   `create_graph=True`), never forming H: the graders measure hvp's memory at n = 2048, where H would take 32 MiB;
# * `hessian(f, x)`: the full Hessian, of shape `x.shape + x.shape` (column i is H e_i, so one hvp per basis vector
#   gives it).
#
# Results must equal `torch.autograd.functional`'s to 1e-9 in float64 (for an x with no elements, where it raises,
# they are empty tensors of those shapes). For a linear `f` the Hessian is zero: return zeros, not an error, also when
# the gradient comes from a parameter `f` closes over (autograd then finds x unused). Both must work whether or not `x` requires grad and leave `x` as it was: its values, its
# `requires_grad`, and `x.grad` (neither may write into it). `torch.autograd.functional` (`hessian`, `hvp`, `vhp`,
# `jacobian`, `vjp`, `jvp`) and torch.func's derivative transforms (`hessian`, `jacfwd`, `jacrev`, `grad`, `vjp`,
# `jvp`, `linearize`) are off limits.
#
# The sample answer's description of autograd stops at `.backward()` on a scalar; the backward pass can itself be recorded and
# differentiated again.
#
# 对于张量 `x`（任意形状，包括 0 维的 x 和没有元素的 x）的标量函数 `f`，编写：
#
# * `hvp(f, x, v)`：通过二阶反向传播（带 `create_graph=True` 的 `torch.autograd.grad`）计算海森矩阵-向量积 H(x) v（形状与 x 相同），从不构造 H：评分项在 n = 2048 时测量 hvp 的内存，此时 H 会占用 32 MiB；
# * `hessian(f, x)`：完整的海森矩阵，形状为 `x.shape + x.shape`（第 i 列是 H e_i，所以对每个基向量做一次 hvp 就能得到它）。
#
# 在 float64 下结果必须与 `torch.autograd.functional` 的结果一致到 1e-9（对于没有元素的 x，它会抛出异常，而你的结果是这些形状的空张量）。对线性的 `f`，海森矩阵为零：返回零而不是报错，当梯度来自 `f` 闭包中的某个参数时也是如此（此时 autograd 会发现 x 未被使用）。两者无论 `x` 是否需要梯度都必须能工作，并保持 `x` 原样：它的值、它的 `requires_grad` 以及 `x.grad`（两者都不能写入它）。禁止使用 `torch.autograd.functional`（`hessian`、`hvp`、`vhp`、`jacobian`、`vjp`、`jvp`）以及 torch.func 的求导变换（`hessian`、`jacfwd`、`jacrev`、`grad`、`vjp`、`jvp`、`linearize`）。
#
# 示例答案对 autograd 的描述止步于对标量调用 `.backward()`；反向传播本身也可以被记录下来，再次求导。
#
# Check your work: `prep check hessian-vector-product`. Stuck? `prep hint hessian-vector-product`.
#
# 检查你的答案：`prep check hessian-vector-product`。卡住了？`prep hint hessian-vector-product`。

# %%
import torch

# %% [markdown]
# Because autograd records the backward pass too when asked (`create_graph=True`), a gradient
# can be differentiated again. For a scalar function f, the Hessian-vector product
# `H v = d/dx (grad f(x) . v)` costs about two backward passes and never builds the n x n
# Hessian: this is how second-order methods and gradient penalties scale.
#
# Reverse over reverse: `g = autograd.grad(f(x), x, create_graph=True)`, then
# `autograd.grad(g, x, grad_outputs=v)`. (torch.func offers the same as forward over reverse,
# `torch.func.jvp(torch.func.grad(f), (x,), (v,))`, often cheaper on large models; here it is
# off limits, with `torch.autograd.functional`: build the products from `torch.autograd.grad`.)
# The graders measure hvp's memory at n = 2048, where H would take 32 MiB.
#
# If the gradient no longer depends on x (f is linear), the Hessian is zero: the second
# `autograd.grad` would raise, so return zeros.

# %%
def hvp(f, x, v):
    """H(x) v for a scalar function f, by double backward, without forming H. Same shape as x."""
    raise NotImplementedError("hessian-vector-product: your code here")


def hessian(f, x):
    """The full Hessian of a scalar f at x, of shape x.shape + x.shape, one hvp per basis vector."""
    raise NotImplementedError("hessian-vector-product: your code here")
