# %% [markdown]
# # Vanishing gradients, measured: a deep sigmoid MLP against a residual + LayerNorm network
#
# `vanishing-gradients` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write `linear_grad_norms(model, x, y) -> list[float]`: for the loss `F.mse_loss(model(x), y)`, the 2-norm of the
# weight gradient of every `nn.Linear` in `model.modules()` order (subclasses of `nn.Linear` included, other modules'
# parameters left out), as Python floats (relative error 1e-6, also when a norm is 1e-17: compute them in the gradients' own dtype, as a float64 model's
#   norms can be far smaller). Gradients left in `.grad`
# by an earlier backward must not count.
#
# Then write `make_stable_deep_net(depth, width) -> nn.Module`, mapping (N, width) to (N, 1), with at least `depth`
# `nn.Linear(width, width)` layers, every `nn.Linear` on the path to the output (each gets a weight gradient), whose
# first `nn.Linear`'s weight gradient stays within a factor 100 of its last `nn.Linear`'s (ratio in [0.01, 100]) with
# PyTorch's default initialisation (the graders call every submodule's `reset_parameters()` before measuring), for
# depth 20 and 40 and any seed. The given `make_deep_sigmoid_mlp(depth, width)` gives a ratio near 1e-17 for depth 20.
#
# The sample answer blames dynamic graphs for vanishing gradients and proposes Adam and L1/L2 regularisation: neither changes the
# back-propagated signal. Residual connections and normalisation do.
#
# 编写 `linear_grad_norms(model, x, y) -> list[float]`：对于损失 `F.mse_loss(model(x), y)`，按 `model.modules()` 的顺序返回每个 `nn.Linear`（包括 `nn.Linear` 的子类，不含其他模块的参数）的权重梯度的 2-范数，类型为 Python float（相对误差 1e-6，范数为 1e-17 时也是如此：在梯度自身的 dtype 中计算，因为 float64 模型的范数可能小得多）。之前的反向传播留在 `.grad` 中的梯度不能算进去。
#
# 然后编写 `make_stable_deep_net(depth, width) -> nn.Module`，把 (N, width) 映射到 (N, 1)，至少含有 `depth` 个 `nn.Linear(width, width)` 层，每个 `nn.Linear` 都在通往输出的路径上（每个都会得到权重梯度），在 PyTorch 的默认初始化下（评分项在测量前会调用每个子模块的 `reset_parameters()`），对于深度 20 和 40 以及任意随机种子，其第一个 `nn.Linear` 的权重梯度与最后一个 `nn.Linear` 的权重梯度相差不超过 100 倍（比值在 [0.01, 100] 内）。给出的 `make_deep_sigmoid_mlp(depth, width)` 在深度 20 时的比值约为 1e-17。
#
# 示例答案把梯度消失归咎于动态计算图，并提出用 Adam 和 L1/L2 正则化来解决：两者都不会改变反向传播的信号。残差连接和归一化才会。
#
# Check your work: `prep check vanishing-gradients`. Stuck? `prep hint vanishing-gradients`.
#
# 检查你的答案：`prep check vanishing-gradients`。卡住了？`prep hint vanishing-gradients`。

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# Measure vanishing gradients instead of talking about them. Backpropagating through a
# sigmoid multiplies the gradient by sigmoid'(z) <= 1/4 at every layer, so in a deep
# sigmoid MLP the first layer gets almost nothing: with 20 layers the ratio of its weight
# gradient's norm to the last layer's is around 1e-17. No optimizer fixes that (the seed
# recommends Adam, which only rescales steps, and L1/L2 regularisation, which targets
# overfitting). What does fix it is the architecture: a residual connection `x + f(x)`
# passes the gradient straight through (its Jacobian is I + f'), and LayerNorm keeps the
# activations in the range where the nonlinearity still has a slope.

# %%
def make_deep_sigmoid_mlp(depth, width):
    """The network that vanishes: depth x (Linear(width, width), Sigmoid), then Linear(width, 1)."""
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))

# %%
def linear_grad_norms(model, x, y):
    """The 2-norm of the weight gradient of every nn.Linear in model.modules() order, as floats, for the loss
    F.mse_loss(model(x), y). Gradients left from earlier backward calls must not count."""
    raise NotImplementedError("vanishing-gradients: your code here")

# %%
def make_stable_deep_net(depth, width):
    """A network from (N, width) to (N, 1) with at least depth nn.Linear(width, width) layers whose first-layer
    weight gradient stays within a factor 100 of its last layer's."""
    raise NotImplementedError("vanishing-gradients: your code here")
