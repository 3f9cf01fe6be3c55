# %% [markdown]
# # Working with leaves: a straight-through estimator with detach, freezing a submodule, an in-place EMA
#
# `leaves-detach-freeze` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write three functions:
#
# * `round_ste(x)`: `torch.round(x)` in the forward pass (halves to even, as torch.round does) with the identity's
#   gradient in the backward pass: a straight-through estimator, which `.detach()` makes. The output stays in the graph.
# * `freeze(model, module_name) -> list[str]`: set `requires_grad=False` on every parameter of the submodule called
#   `module_name` (a name from `model.named_modules()`, nested names such as "enc.0" included), and return a list of the
#   full names of the frozen parameters in `model.named_parameters()` order (a parameter the submodule shares with another module included, under the name `named_parameters()` gives it; one of its parameters frozen before the call may be listed or left out). Other parameters are untouched: freezing
#   "enc" must not freeze "encoder", freezing "1" must not freeze "11", and one frozen before the call stays frozen.
# * `ema_update(target, online, decay)`: an exponential moving average of two modules of the same architecture: every
#   parameter of `target` becomes `decay * target + (1 - decay) * online` (`decay` anywhere in [0, 1], both ends
#   included), every buffer of `target` (e.g. BatchNorm's running statistics) a copy of `online`'s, which does not follow
#   `online`'s later changes. Parameters do not follow them either: each holds values of its own, also at `decay` 0.
#   It works when called with grad mode on, updates the same tensor objects in place, keeps
#   them leaves that require grad, records no graph, and leaves `online` unchanged.
#
# The sample answer calls outputs leaves and says nothing about what leaves are for; these are the places where it matters.
#
# 编写三个函数：
#
# * `round_ste(x)`：前向传播时等于 `torch.round(x)`（与 torch.round 一样，恰好在两数中间时舍入到偶数），反向传播时使用恒等函数的梯度：即直通估计器（straight-through estimator），用 `.detach()` 实现。输出仍留在计算图中。
# * `freeze(model, module_name) -> list[str]`：把名为 `module_name` 的子模块（来自 `model.named_modules()` 的名字，包括 "enc.0" 这样的嵌套名字）的每个参数设为 `requires_grad=False`，并按 `model.named_parameters()` 的顺序返回被冻结参数的完整名字列表（包括该子模块与其他模块共享的参数，用 `named_parameters()` 给它的名字；调用前已被冻结的子模块参数可以列出，也可以不列出）。其他参数不受影响：冻结 "enc" 不能冻结 "encoder"，冻结 "1" 不能冻结 "11"，调用前已被冻结的参数保持冻结。
# * `ema_update(target, online, decay)`：对两个结构相同的模块做指数移动平均：`target` 的每个参数变为 `decay * target + (1 - decay) * online`（`decay` 可取 [0, 1] 中的任意值，包括两端），`target` 的每个 buffer（例如 BatchNorm 的 running 统计量）变为 `online` 对应 buffer 的副本，且不随 `online` 之后的改变而改变。参数也不随之改变：每个参数都持有自己的值，`decay` 为 0 时也是如此。在梯度模式开启时调用也能正常工作，原地更新同一批张量对象，使它们仍是需要梯度的叶子张量，不记录任何计算图，并且不改变 `online`。
#
# 示例答案把输出称为叶子，也没有说明叶子有什么用；上面这些正是叶子起作用的地方。
#
# Check your work: `prep check leaves-detach-freeze`. Stuck? `prep hint leaves-detach-freeze`.
#
# 检查你的答案：`prep check leaves-detach-freeze`。卡住了？`prep hint leaves-detach-freeze`。

# %%
import torch

# %% [markdown]
# Three everyday uses of leaves, `requires_grad` and `detach()`:
#
# * **Straight-through estimator.** `round` has a zero gradient almost everywhere, which stops
#   learning. `x + (round(x) - x).detach()` has round's *value* (the detached part is a
#   constant to autograd) and the identity's *gradient*.
# * **Freezing.** A parameter with `requires_grad=False` is a leaf that backward skips: its
#   `.grad` stays None and optimizers leave it alone. Freeze a submodule by its name, not by
#   a string prefix of parameter names (`"enc"` is a prefix of `"encoder.weight"` too).
# * **Updating leaves in place.** A parameter is a leaf that requires grad: an in-place update
#   such as an exponential moving average must run under `torch.no_grad()` (otherwise:
#   "a leaf Variable that requires grad is being used in an in-place operation"), and must
#   modify the tensors in place so that the module keeps the same parameters.

# %%
def round_ste(x):
    """torch.round(x) in the forward pass, the identity's gradient in the backward pass."""
    raise NotImplementedError("leaves-detach-freeze: your code here")


def freeze(model, module_name):
    """Set requires_grad=False on every parameter of the submodule called module_name (as in named_modules());
    return the full names (as in model.named_parameters()) of the parameters frozen, in that order."""
    raise NotImplementedError("leaves-detach-freeze: your code here")


def ema_update(target, online, decay):
    """In place and without recording a graph: every parameter of target becomes
    decay * itself + (1 - decay) * the matching parameter of online; every buffer of target becomes a copy of
    online's. target keeps the same tensor objects, and their requires_grad."""
    raise NotImplementedError("leaves-detach-freeze: your code here")
