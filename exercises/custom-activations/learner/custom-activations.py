# %% [markdown]
# # Sigmoid, Tanh and ReLU as autograd Functions: derivatives, PyTorch's ReLU convention at 0, stable forms
#
# `custom-activations` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write three `torch.autograd.Function`s, `Sigmoid`, `Tanh` and `ReLU`, so that `Sigmoid.apply(x)`, `Tanh.apply(x)`
# and `ReLU.apply(x)` equal `torch.sigmoid`, `torch.tanh` and `torch.relu` (float64 to 1e-10, any shape, empty
# tensors, non-contiguous inputs, float16 / bfloat16 / float32 / float64 kept) and so do their gradients, including at
# extremes (|x| up to 1000 in float32 and float64: finite, no nan) and at exactly 0, where the gradient of ReLU is 0 as
# in PyTorch (the sample answer's ReLU'(0) = 1 is not PyTorch's convention). `Sigmoid` and `Tanh` keep only their output for
# backward: their derivatives are functions of the output, so nothing else of x's size (not the input, not an
# intermediate) may stay alive with the graph. Every backward must support double backward (gradgradcheck).
#
# Use your own formulas: `torch.sigmoid`, `torch.tanh`, `torch.relu`, their `F` / `nn` / Tensor-method forms and
# `torch.special.expit` are off limits, and so is every built-in that hands one of them back in a call or two:
# `silu`, `logsigmoid`, `softplus`, `logaddexp`, `logsumexp`, `softmax` / `log_softmax`, `glu`, `mish`,
# `binary_cross_entropy_with_logits`, `soft_margin_loss`, `tan` (of a complex argument), the RNN / LSTM / GRU layers
# and cells, ReLU's relatives `threshold`, `leaky_relu`, `hardtanh`, `relu6`, `elu`, `celu`, `prelu`, `rrelu`, and
# the `tanh` of `math`, `cmath` and NumPy. The sample answer's textbook tanh, (e^x - e^-x) / (e^x + e^-x), returns nan at
# |x| = 100 in float32.
#
# 编写三个 `torch.autograd.Function`：`Sigmoid`、`Tanh` 和 `ReLU`，使 `Sigmoid.apply(x)`、`Tanh.apply(x)` 和 `ReLU.apply(x)` 分别等于 `torch.sigmoid`、`torch.tanh` 和 `torch.relu`（float64 下误差 1e-10，任意形状、空张量、非连续输入，float16 / bfloat16 / float32 / float64 保持不变），它们的梯度也相等，包括在极端值处（float32 和 float64 下 |x| 最大到 1000：结果有限，没有 nan）以及恰好为 0 处，在 0 处 ReLU 的梯度与 PyTorch 一样为 0（示例答案的 ReLU'(0) = 1 不是 PyTorch 的约定）。`Sigmoid` 和 `Tanh` 只为反向传播保存它们的输出：它们的导数是输出的函数，所以任何其他与 x 同样大小的东西（输入、中间结果都不行）都不能随计算图一起保留。每个 backward 都必须支持二阶反向传播（gradgradcheck）。
#
# 使用你自己的公式：禁止使用 `torch.sigmoid`、`torch.tanh`、`torch.relu`，它们的 `F` / `nn` / Tensor 方法形式以及 `torch.special.expit`，也禁止使用调用一两次就能把它们之一还给你的任何内置函数：`silu`、`logsigmoid`、`softplus`、`logaddexp`、`logsumexp`、`softmax` / `log_softmax`、`glu`、`mish`、`binary_cross_entropy_with_logits`、`soft_margin_loss`、`tan`（复数参数的）、RNN / LSTM / GRU 层及其 cell、ReLU 的亲戚 `threshold`、`leaky_relu`、`hardtanh`、`relu6`、`elu`、`celu`、`prelu`、`rrelu`，以及 `math`、`cmath` 和 NumPy 的 `tanh`。示例答案照搬教科书的 tanh，(e^x - e^-x) / (e^x + e^-x)，在 float32 下 |x| = 100 时返回 nan。
#
# Check your work: `prep check custom-activations`. Stuck? `prep hint custom-activations`.
#
# 检查你的答案：`prep check custom-activations`。卡住了？`prep hint custom-activations`。

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
        raise NotImplementedError("custom-activations: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-activations: your code here")


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("custom-activations: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-activations: your code here")


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("custom-activations: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-activations: your code here")
