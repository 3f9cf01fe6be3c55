# %% [markdown]
# # Fix the sample answer's softplus: a stable forward and the right backward
#
# `fix-softplus` · fix-bug / 修复 bug · medium / 中等 · about 20 min / 约 20 分钟
#
# The stub is the sample answer. Fix it so that `class Softplus(torch.autograd.Function)` and `softplus(x)` compute
# softplus(x) = log(1 + exp(x)) stably, in float32 and in float64 alike (the result keeps x's dtype and shape): finite
# and accurate to float precision (a few dozen units in the last place, relative, also where the value is tiny, such as
# e^-80) for every finite input, |x| up to 1e4 and the dtype's largest values included.
#
# Backward returns `sigmoid(x)` times the incoming gradient, finite and accurate to float precision for every finite
# input as well. Double backward works (gradgradcheck), and the second derivative is finite for every finite input too.
#
# `torch.nn.functional.softplus` and `nn.Softplus` are off limits, and so are their one-call equivalents
# `torch.logaddexp(x, 0)` (and `logaddexp2`) and `-F.logsigmoid(-x)`: write the stable formula yourself. `torch.sigmoid`
# is fine in backward.
#
# 初始代码就是示例答案。修好它，使 `class Softplus(torch.autograd.Function)` 和 `softplus(x)` 以数值稳定的方式计算 softplus(x) = log(1 + exp(x))，在 float32 和 float64 下都是如此（结果保持 x 的 dtype 和形状）：对每个有限输入，包括 |x| 最大到 1e4 以及该 dtype 的最大值，结果都有限，并精确到浮点精度（相对误差为最后一位的几十个单位，值极小时也是如此，例如 e^-80）。
#
# backward 返回 `sigmoid(x)` 乘以传入的梯度，对每个有限输入同样有限并精确到浮点精度。二阶反向传播能正常工作（gradgradcheck），对每个有限输入二阶导数也都是有限的。
#
# 禁止使用 `torch.nn.functional.softplus` 和 `nn.Softplus`，也禁止使用它们的一次调用等价形式 `torch.logaddexp(x, 0)`（以及 `logaddexp2`）和 `-F.logsigmoid(-x)`：自己写出稳定的公式。backward 中可以使用 `torch.sigmoid`。
#
# Check your work: `prep check fix-softplus`. Stuck? `prep hint fix-softplus`.
#
# 检查你的答案：`prep check fix-softplus`。卡住了？`prep hint fix-softplus`。

# %%
import torch
from torch.autograd import Function

# %% [markdown]
# This is the seed's answer to "implement a custom softplus activation". It has two bugs
# that show up only on some inputs: find them and fix them.
#
# * softplus(x) = log(1 + exp(x)). Try x = 100 in float32, and x = -30.
# * Its derivative is 1 / (1 + exp(-x)), the sigmoid. Compare with what `backward` returns.
#
# Check float32 as well as float64: each has its own overflow point (exp(89) is inf in
# float32, exp(710) in float64) and its own tiny values.
#
# Keep `backward` built from differentiable tensor operations: double backward must work,
# and the second derivative must stay finite at the extremes too.
# `torch.nn.functional.softplus`, `torch.nn.Softplus` and their one-call equivalents
# (`torch.logaddexp(x, 0)`, `-F.logsigmoid(-x)`) are off limits: the point is to write the
# stable formula yourself.

# %%
class Softplus(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return torch.log(1 + torch.exp(input))

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output * (1 + torch.exp(-input))
        return grad_input


def softplus(x):
    return Softplus.apply(x)
