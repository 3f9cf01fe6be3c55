# %% [markdown]
# # A 2-D convolution by hand: stride, padding ('same' too), dilation, groups, gradients, the output-size formula
#
# `conv2d-by-hand` · code / 编写代码 · medium / 中等 · about 35 min / 约 35 分钟
#
# Write a 2-D convolution from tensor operations (`F.unfold`, `Tensor.unfold`, slicing, `einsum`, matrix products):
#
# * `conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`: the result of
#   `torch.nn.functional.conv2d` with the same arguments, for an input `x` of shape `(N, C, H, W)` (N = 1 included), a
#   weight of shape `(O, C // groups, kH, kW)` (square or not) and an optional bias of shape `(O,)`.
# * `conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1)`: the output's `(height, width)` as a tuple
#   of two Python ints, `floor((h + 2p - d(k - 1) - 1) / s) + 1` per dimension, without running a convolution.
#
# PyTorch computes a cross-correlation, the kernel is not flipped:
# `out[n, o, i, j] = bias[o] + Σ_c Σ_m Σ_q weight[o, c, m, q] · x_pad[n, c0 + c, i·sH + m·dH, j·sW + q·dW]`.
# `kernel_size`, `stride`, `padding` and `dilation` are each an int (both dimensions) or a pair `(height, width)`, a tuple
# or a list. Padding adds zeros. In both functions `padding` may also be `'valid'` (no padding) or `'same'` (the output
# keeps the input's size: `d(k - 1)` zeros in total per dimension, the extra one at the bottom or right when that total is
# odd). `conv2d` with `'same'` and a stride other than 1 raises `RuntimeError`, as torch does. With `groups`, output
# channel `o` reads only the `C // groups` input channels of its own group (`c0` above is that group's first channel);
# `groups = C = O` is a depthwise convolution. The result keeps `x`'s dtype and layout-independent values: float64 within
# 1e-10 of torch's, float32 within 1e-4, for contiguous and non-contiguous inputs alike. The gradients for `x`, `weight`
# and `bias` must equal torch's and pass gradcheck.
#
# `F.conv2d`, `torch.conv2d`, `nn.Conv2d` and the other conv modules, and torch's convolution operators (forward,
# backward, transposed, 1-d and 3-d, depthwise, mkldnn) are switched off; `F.unfold` and `F.pad` are allowed.
#
# The interview question behind this one: what a CNN is and how convolution works. The sample answer's formula
# `output_ij = Σ_k weight_{ik,jk} × input_ij` never moves the input index with the kernel: it rescales each pixel
# instead of sliding a window, and its `SimpleCNN` flattens 32·26·26 features where `padding=1` leaves 32·28·28.
#
# 只用张量运算（`F.unfold`、`Tensor.unfold`、切片、`einsum`、矩阵乘法）写出一个二维卷积：
#
# * `conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`：结果等于以相同参数调用 `torch.nn.functional.conv2d` 的结果，输入 `x` 的形状为 `(N, C, H, W)`（包括 N = 1），权重的形状为 `(O, C // groups, kH, kW)`（方形或非方形），可选的偏置形状为 `(O,)`。
# * `conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1)`：以两个 Python int 组成的元组返回输出的 `(height, width)`，每个维度为 `floor((h + 2p - d(k - 1) - 1) / s) + 1`，不运行任何卷积。
#
# PyTorch 计算的是互相关，卷积核不翻转：`out[n, o, i, j] = bias[o] + Σ_c Σ_m Σ_q weight[o, c, m, q] · x_pad[n, c0 + c, i·sH + m·dH, j·sW + q·dW]`。`kernel_size`、`stride`、`padding` 和 `dilation` 各自是一个 int（两个维度相同）或一对值 `(height, width)`，元组或列表均可。填充补零。在两个函数中，`padding` 也可以是 `'valid'`（不填充）或 `'same'`（输出保持输入的尺寸：每个维度总共填充 `d(k - 1)` 个零，总数为奇数时多出的那一个放在下方或右侧）。`conv2d` 在 `'same'` 与不为 1 的步幅一起使用时抛出 `RuntimeError`，与 torch 一致。使用 `groups` 时，输出通道 `o` 只读取它所在组的 `C // groups` 个输入通道（上式中的 `c0` 是该组的第一个通道）；`groups = C = O` 即深度卷积（depthwise convolution）。结果保持 `x` 的 dtype，数值与内存布局无关：float64 下与 torch 的结果相差不超过 1e-10，float32 下不超过 1e-4，对连续和非连续的输入都是如此。对 `x`、`weight` 和 `bias` 的梯度必须等于 torch 的梯度，并通过 gradcheck。
#
# `F.conv2d`、`torch.conv2d`、`nn.Conv2d` 及其他卷积模块，以及 torch 的卷积算子（前向、反向、转置、一维和三维、深度卷积、mkldnn）均已禁用；允许使用 `F.unfold` 和 `F.pad`。
#
# 这道题背后的面试题：什么是 CNN，卷积如何工作。示例答案的公式 `output_ij = Σ_k weight_{ik,jk} × input_ij` 从不随卷积核移动输入的下标：它是在逐像素缩放，而不是滑动一个窗口；它的 `SimpleCNN` 展平 32·26·26 个特征，而 `padding=1` 留下的是 32·28·28 个。
#
# Check your work: `prep check conv2d-by-hand`. Stuck? `prep hint conv2d-by-hand`.
#
# 检查你的答案：`prep check conv2d-by-hand`。卡住了？`prep hint conv2d-by-hand`。

# %%
import torch
import torch.nn.functional as F

# %% [markdown]
# A 2-D convolution layer slides each filter over the (padded) input and takes a dot
# product at every position. PyTorch computes a *cross-correlation*, the kernel is not
# flipped:
#
# `out[n, o, i, j] = bias[o] + sum_{c, m, q} weight[o, c, m, q] * x_pad[n, c0 + c, i*sH + m*dH, j*sW + q*dW]`
#
# where `c0` is the first input channel of output channel `o`'s group. `F.unfold` (im2col)
# gathers every window into a column, so the whole layer becomes one batched matrix product.

# %%
def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    raise NotImplementedError("conv2d-by-hand: your code here")


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    raise NotImplementedError("conv2d-by-hand: your code here")
