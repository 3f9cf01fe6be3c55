# %% [markdown]
# # Add a layer in the middle of training, and tell the optimizer (without resetting its state)
#
# `grow-network` · code / 编写代码 · easy / 简单 · about 10 min / 约 10 分钟
#
# Write `grow(model, opt, layer, lr=None) -> None`: append `layer` itself (the object given) to the `nn.Sequential`
# `model` and register all its parameters (those of nested submodules too) with the optimizer `opt` as one new
# parameter group, whose learning rate is `lr` when given (an explicit 0.0 included) and the optimizer's default
# (`opt.defaults`, which a scheduler does not change) otherwise, every other hyper-parameter of the new group being the
# optimizer's default; the old parameter groups and the optimizer's state for the old parameters (such as Adam's
# moments and step counts, or SGD's momentum buffers) must stay as they are, so that training continues exactly as with
# `opt.add_param_group`, for any optimizer and when `grow` is called again later.
#
# 编写 `grow(model, opt, layer, lr=None) -> None`：把 `layer` 本身（传入的那个对象）追加到 `nn.Sequential` `model` 的末尾，并把它的所有参数（包括嵌套子模块的参数）作为一个新的参数组注册到优化器 `opt` 中；给出 `lr` 时（包括显式的 0.0），新参数组的学习率为 `lr`，否则为优化器的默认值（`opt.defaults`，调度器不会改变它），新参数组的其他每个超参数都取优化器的默认值；旧的参数组以及优化器中旧参数的状态（例如 Adam 的矩估计和步数，或 SGD 的动量缓冲区）必须保持原样，使训练的后续过程与使用 `opt.add_param_group` 时完全相同，对任何优化器都是如此，之后再次调用 `grow` 时也是如此。
#
# Check your work: `prep check grow-network`. Stuck? `prep hint grow-network`.
#
# 检查你的答案：`prep check grow-network`。卡住了？`prep hint grow-network`。

# %%
from torch import nn

# %% [markdown]
# The seed's third step in "building a dynamic graph" is to "modify the graph during training, e.g. add or remove
# layers". That confuses the *autograd graph* (recorded anew on every forward pass, nothing to modify) with the
# *model's structure*. You can change the structure between steps, but the optimizer only updates the parameters it
# was given: a layer appended after `optimizer = Adam(model.parameters())` gets a `.grad` and is never updated.
#
# Write `grow(model, opt, layer, lr=None)`: append `layer` to the `nn.Sequential` `model` and register its parameters
# with `opt` as a new parameter group (using `lr` for that group when it is given, the optimizer's defaults otherwise),
# without touching the state the optimizer keeps for the old parameters (Adam's moments and step counts).
# An explicit `lr=0.0` is a learning rate like any other; without `lr` the new group takes `opt.defaults`
# (not the old group's lr, which a scheduler may have changed). `grow` returns None.

# %%
def grow(model, opt, layer, lr=None):
    raise NotImplementedError("grow-network: your code here")
