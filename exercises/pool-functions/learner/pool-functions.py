# %% [markdown]
# # Max and average pooling as autograd Functions: argmax routing, ties, overlapping windows, padding
#
# `pool-functions` · code / 编写代码 · medium / 中等 · about 40 min / 约 40 分钟
#
# Write max pooling and average pooling over the last two dimensions of a 4-D input `(N, C, H, W)`, each as a
# `torch.autograd.Function` with its own `backward`: `class MaxPool2d` and `class AvgPool2d`, called as
# `MaxPool2d.apply(x, kernel_size, stride, padding)` (the given `max_pool2d(x, kernel_size, stride=None, padding=0)` and
# `avg_pool2d(...)` call them). `kernel_size`, `stride` and `padding` are each an int or a pair `(height, width)`;
# `stride=None` means the kernel size; `padding` is at most half the kernel size (no `ceil_mode`, no dilation; inputs
# are finite).
#
# * Forward: window `(i, j)` covers rows `i·sH .. i·sH + kH - 1` and columns `j·sW .. j·sW + kW - 1` of the padded input;
#   the results keep `x`'s dtype and equal `F.max_pool2d` exactly and `F.avg_pool2d` within 1e-12 in float64 (1e-5 in
#   float32), for contiguous and non-contiguous inputs.
# * Max pooling pads with -inf: a padded position is never a window's maximum.
# * Average pooling pads with zeros and always divides by `kH·kW`, padded positions included (torch's default,
#   `count_include_pad=True`). The sample answer's formula `(1/C) Σ_{k=1}^{C} input_{i+k, j+l}` gets this wrong three ways: it
#   sums one axis only (`l` is never summed), divides by the window's side instead of its area, and has no stride. The
#   right one is `out[i, j] = 1/(kH·kW) Σ_m Σ_q x_pad[i·sH + m, j·sW + q]`.
# * Max pooling's backward sends each output's gradient to the one element that was its window's maximum. When several
#   elements tie for the maximum, torch picks the first in row-major order within the window (the top row first, then
#   the leftmost), and so must you.
# * Where windows overlap (a stride smaller than the kernel), an element's gradient is the sum over every window it
#   belongs to, for both poolings.
# * Average pooling's backward gives each element of a window `1/(kH·kW)` of that window's gradient; the padded
#   positions' shares are dropped.
# * `backward` returns the gradient for `x` (with `x`'s shape and dtype) and `None` for `kernel_size`, `stride` and
#   `padding`. The gradients equal torch's within 1e-12 in float64 (1e-5 in float32), for both poolings: where shares
#   add up, the order of the additions is yours, so they need not match bit for bit. Gradients must pass gradcheck (on
#   inputs without ties).
#
# `F.max_pool2d`, `F.avg_pool2d`, the pooling modules, the adaptive, fractional and LP pools, `max_unpool2d`, and torch's
# pooling and convolution operators are switched off; `Tensor.unfold`, `F.unfold`, `F.fold`, `F.pad` and `scatter_add_`
# are allowed.
#
# The interview question behind this one: what pooling is for and how it works. The sample answer's SimpleCNN also sizes its
# classifier for a 13x13 map where the pooled map is 14x14.
#
# 在 4 维输入 `(N, C, H, W)` 的最后两个维度上实现最大池化和平均池化，两者各自写成一个带有自己的 `backward` 的 `torch.autograd.Function`：`class MaxPool2d` 和 `class AvgPool2d`，调用方式为 `MaxPool2d.apply(x, kernel_size, stride, padding)`（给定的 `max_pool2d(x, kernel_size, stride=None, padding=0)` 和 `avg_pool2d(...)` 会调用它们）。`kernel_size`、`stride` 和 `padding` 各自是一个 int 或一个二元组 `(height, width)`；`stride=None` 表示取核尺寸（kernel size）；`padding` 至多为核尺寸的一半（没有 `ceil_mode`，没有 dilation；输入都是有限值）。
#
# * 前向传播：窗口 `(i, j)` 覆盖填充后输入的第 `i·sH .. i·sH + kH - 1` 行和第 `j·sW .. j·sW + kW - 1` 列；结果保持 `x` 的 dtype，与 `F.max_pool2d` 完全相等，与 `F.avg_pool2d` 在 float64 下相差不超过 1e-12（float32 下不超过 1e-5），对连续和非连续的输入都是如此。
# * 最大池化用 -inf 填充：填充的位置永远不会是窗口的最大值。
# * 平均池化用零填充，并且总是除以 `kH·kW`，填充的位置也计入（torch 的默认行为，`count_include_pad=True`）。示例答案的公式 `(1/C) Σ_{k=1}^{C} input_{i+k, j+l}` 在三处弄错了这一点：它只沿一个轴求和（`l` 从未被求和），除以窗口的边长而不是面积，而且没有步幅。正确的公式是 `out[i, j] = 1/(kH·kW) Σ_m Σ_q x_pad[i·sH + m, j·sW + q]`。
# * 最大池化的反向传播把每个输出的梯度传给作为其窗口最大值的那一个元素。当多个元素并列最大时，torch 选取窗口内按行优先顺序的第一个（先最上面一行，再最左边），你的实现也必须如此。
# * 窗口重叠时（步幅小于核尺寸），一个元素的梯度是它所属的每个窗口的梯度之和，两种池化都是如此。
# * 平均池化的反向传播把窗口梯度的 `1/(kH·kW)` 分给窗口中的每个元素；填充位置分到的份额被丢弃。
# * `backward` 返回 `x` 的梯度（形状和 dtype 与 `x` 相同），并对 `kernel_size`、`stride` 和 `padding` 返回 `None`。两种池化的梯度在 float64 下与 torch 的梯度相差不超过 1e-12（float32 下不超过 1e-5）：各份额相加时，加法的顺序由你决定，因此不必逐位相同。梯度必须通过 gradcheck（在没有并列最大值的输入上）。
#
# `F.max_pool2d`、`F.avg_pool2d`、池化模块、自适应池化、分数最大池化和 LP 池化、`max_unpool2d`，以及 torch 的池化和卷积算子均已禁用；允许使用 `Tensor.unfold`、`F.unfold`、`F.fold`、`F.pad` 和 `scatter_add_`。
#
# 这道题背后的面试题：池化的作用是什么，它如何工作。示例答案的 SimpleCNN 还按 13x13 的特征图来设定分类器的尺寸，而池化后的特征图是 14x14。
#
# Check your work: `prep check pool-functions`. Stuck? `prep hint pool-functions`.
#
# 检查你的答案：`prep check pool-functions`。卡住了？`prep hint pool-functions`。

# %%
import torch
import torch.nn.functional as F

# %% [markdown]
# Pooling slides a `kH x kW` window over each channel with stride `(sH, sW)` and keeps one
# number per window: the largest value (max pooling) or the mean (average pooling).
# Window `(i, j)` covers rows `i*sH .. i*sH + kH - 1` and columns `j*sW .. j*sW + kW - 1`
# of the padded input. `Tensor.unfold` gives every window as a view:
# `x.unfold(2, kH, sH).unfold(3, kW, sW)` has shape `(N, C, oH, oW, kH, kW)`.
#
# The backward passes are the point of this exercise: max pooling sends each output's
# gradient to the one element that was its window's maximum, average pooling spreads it
# evenly over the window, and where windows overlap the shares add up.

# %%
def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    """(kH, kW), (sH, sW), (pH, pW); stride None means the kernel size."""
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)

# %%
class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        raise NotImplementedError("pool-functions: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("pool-functions: your code here")


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        raise NotImplementedError("pool-functions: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("pool-functions: your code here")

# %%
def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
