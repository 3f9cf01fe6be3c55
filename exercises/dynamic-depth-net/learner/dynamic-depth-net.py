# %% [markdown]
# # A network whose depth is chosen at run time: one shared layer, applied as often as the call (or the input) says
#
# `dynamic-depth-net` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# `DynamicNN(input_dim, hidden_dim, output_dim)` has three given layers, `fc1`, `mid` (hidden to hidden) and `fc2`.
# Write:
#
# * `forward(x, depth)`: `h = relu(fc1(x))`, then `h = relu(mid(h))` exactly `depth` times with the same `mid`
#   (shared weights), then `fc2(h)`. Depth 0 never uses `mid`, so its `.grad` stays None. Every call records its own
#   graph, so calls at different depths on one model can be backpropagated together.
# * `forward_until(x, threshold, max_depth)`: the same, but keep applying `mid` while `h.abs().mean()` is strictly
#   above `threshold` and fewer than `max_depth` layers have been applied; return `(output, depth used)`, the depth a
#   Python int.
# * `train_dynamic(model, x, y, steps, lr, max_depth, seed)`: Adam (learning rate `lr`) on `F.mse_loss(model(x,
#   depth), y)`; at each step draw `depth = int(torch.randint(0, max_depth + 1, (1,), generator=g))` from
#   `g = torch.Generator().manual_seed(seed)`, then `zero_grad()` (its default sets gradients to None, so at a depth-0
#   step `mid` has no gradient and Adam leaves it alone), the loss, `backward()` and one step. Gradients the model
#   arrives with must not leak into the first step. Return `{"losses": [floats], "depths": [ints]}` (Python floats,
#   each the loss its step was computed from, and Python ints). After training, the one shared network must fit the
#   data at every depth.
#
# The sample answer's "dynamic network" is a fixed two-layer MLP: nothing in it is dynamic.
#
# `DynamicNN(input_dim, hidden_dim, output_dim)` 有三个给定的层：`fc1`、`mid`（隐藏层到隐藏层）和 `fc2`。编写：
#
# * `forward(x, depth)`：`h = relu(fc1(x))`，然后用同一个 `mid`（共享权重）恰好执行 `depth` 次 `h = relu(mid(h))`，最后是 `fc2(h)`。深度为 0 时从不使用 `mid`，所以它的 `.grad` 保持为 None。每次调用都记录自己的计算图，所以在同一个模型上以不同深度进行的多次调用可以一起反向传播。
# * `forward_until(x, threshold, max_depth)`：同上，但只要 `h.abs().mean()` 严格大于 `threshold`，且已应用的层数少于 `max_depth`，就继续应用 `mid`；返回 `(output, depth used)`，即输出和实际使用的深度，深度为 Python int。
# * `train_dynamic(model, x, y, steps, lr, max_depth, seed)`：用 Adam（学习率 `lr`）优化 `F.mse_loss(model(x, depth), y)`；每一步先从 `g = torch.Generator().manual_seed(seed)` 中抽取 `depth = int(torch.randint(0, max_depth + 1, (1,), generator=g))`，然后 `zero_grad()`（它默认把梯度设为 None，所以在深度为 0 的一步中 `mid` 没有梯度，Adam 不会改动它）、计算损失、`backward()` 并执行一步。模型带进来的梯度不能泄漏到第一步中。返回 `{"losses": [floats], "depths": [ints]}`（Python float，每个都是对应那一步据以计算的损失；以及 Python int）。训练之后，这一个共享的网络必须在每个深度上都能拟合数据。
#
# 示例答案的“动态网络”是一个固定的两层 MLP：其中没有任何动态的东西。
#
# Check your work: `prep check dynamic-depth-net`. Stuck? `prep hint dynamic-depth-net`.
#
# 检查你的答案：`prep check dynamic-depth-net`。卡住了？`prep hint dynamic-depth-net`。

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# The seed's "dynamic" network is a fixed two-layer MLP: nothing about it needs a dynamic
# graph. Here the depth is decided at run time: `forward(x, depth)` applies the same
# shared layer `mid` `depth` times, and `forward_until` keeps applying it while the hidden
# activations are still large, so the input itself decides how deep the graph gets.
# Autograd records whatever ran; the shared weights collect the gradients of every use.
#
# Details the graders hold you to: forward_until stops as soon as mean |h| is not strictly above
# the threshold (or max_depth layers have run) and returns the depth as a Python int;
# train_dynamic zeroes gradients with zero_grad() (to None) before each step, so that at a
# depth-0 step Adam leaves mid alone and stale gradients never reach the first step.

# %%
class DynamicNN(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(DynamicNN, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.mid = nn.Linear(hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x, depth):
        raise NotImplementedError("dynamic-depth-net: your code here")

    def forward_until(self, x, threshold, max_depth):
        raise NotImplementedError("dynamic-depth-net: your code here")

# %%
def train_dynamic(model, x, y, steps, lr, max_depth, seed):
    raise NotImplementedError("dynamic-depth-net: your code here")
