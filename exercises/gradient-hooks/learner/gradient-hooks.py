# %% [markdown]
# # Gradient hooks: log per-backward gradient norms, clamp a gradient in flight, scale what a module passes back
#
# `gradient-hooks` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write three functions with hooks:
#
# * `log_grad_norms(model) -> (log, handles)`: `log` is a dict from each parameter name (as in `named_parameters()`,
#   parameters with `requires_grad=False` left out) to a list; every backward through the model appends, for each
#   parameter, the 2-norm (a Python float) of the gradient that backward computed for it, not of the accumulated `.grad`
#   (the graders call backward three times without zero_grad). `handles` is the list of hook handles: removing them all
#   stops the logging. Each call returns a new log: called twice on one model, each log gets one entry per backward
#   while its own hooks are in place.
# * `clamp_grad(t, bound)`: register a hook so that every gradient flowing back through tensor `t` (the sum of what
#   reaches `t` from all its uses) is clamped to `[-bound, bound]` before it continues to whatever `t` was computed
#   from, in every backward, `bound = 0` included; return the handle: removing it stops the clamping. The hook returns
#   a new tensor: the gradient it receives may be the caller's own (`t.backward(g)`), which must keep its values.
# * `scale_grad_to_inputs(module, factor)`: register a module backward hook that multiplies the gradient the module
#   passes back to each of its inputs by `factor` (0 and negative factors included), once per backward; an input that
#   needs no gradient has a None entry in `grad_input`, which stays None. The module's own parameters' gradients are
#   unchanged. Return the handle: removing it stops the scaling.
#
# The sample answer's idea of a numerical check is to print gradients; hooks do it during backward, for every parameter.
#
# 用钩子（hook）编写三个函数：
#
# * `log_grad_norms(model) -> (log, handles)`：`log` 是一个字典，把每个参数名（与 `named_parameters()` 中一致，不含 `requires_grad=False` 的参数）映射到一个列表；每次经过该模型的反向传播都会为每个参数追加一个值：这次反向传播为它计算的梯度的 2-范数（Python float），而不是累积的 `.grad` 的范数（评分项会在不调用 zero_grad 的情况下做三次反向传播）。`handles` 是钩子句柄的列表：把它们全部移除即停止记录。每次调用都返回一个新的 log：在同一个模型上调用两次时，每个 log 在它自己的钩子存在期间，每次反向传播得到一项。
# * `clamp_grad(t, bound)`：注册一个钩子，使得在每次反向传播中（包括 `bound = 0`），流经张量 `t` 的每个梯度（即从 `t` 的所有使用处传回 `t` 的梯度之和）在继续传向计算出 `t` 的那些输入之前，被截断到 `[-bound, bound]`；返回句柄：移除它即停止截断。钩子返回一个新张量：它收到的梯度可能就是调用者自己的张量（`t.backward(g)`），其值必须保持不变。
# * `scale_grad_to_inputs(module, factor)`：注册一个模块反向钩子，在每次反向传播中把该模块传回给它每个输入的梯度乘以 `factor`，只乘一次（包括 0 和负数）；不需要梯度的输入在 `grad_input` 中对应的项为 None，且保持为 None。模块自身参数的梯度不变。返回句柄：移除它即停止缩放。
#
# 示例答案所说的数值检查就是打印梯度；钩子能在反向传播过程中对每个参数做这件事。
#
# Check your work: `prep check gradient-hooks`. Stuck? `prep hint gradient-hooks`.
#
# 检查你的答案：`prep check gradient-hooks`。卡住了？`prep hint gradient-hooks`。

# %%
import torch

# %% [markdown]
# Hooks let you watch or change gradients while backward runs, without touching the model:
#
# * `t.register_hook(fn)` on a tensor: `fn(grad)` is called with the gradient computed for `t`
#   in *this* backward; returning a tensor replaces it, and for an intermediate tensor the
#   replacement is what flows further back. On a leaf (a parameter) it runs before the
#   gradient is added into `.grad`, so it sees this backward's gradient, not the accumulated one.
#   A hook should not modify its argument in place: for `t.backward(g)` it receives the caller's `g`.
# * `module.register_full_backward_hook(fn)`: `fn(module, grad_input, grad_output)` after the
#   module's backward; returning a new `grad_input` changes what flows to the module's
#   *inputs*, not its own parameters' gradients. An input that needs no gradient has a `None` entry.
#
# Every `register_*` returns a handle; `handle.remove()` takes the hook away again. A tensor
# that does not require grad cannot take a hook.

# %%
def log_grad_norms(model):
    """Log, for every parameter that requires grad, the norm of the gradient each backward computes for it.

    Returns (log, handles): log maps each parameter name to a list of floats, one per backward; handles
    holds the hook handles (removing them all stops the logging).
    """
    raise NotImplementedError("gradient-hooks: your code here")


def clamp_grad(t, bound):
    """Make every gradient that flows back through tensor t clamped to [-bound, bound]; return the hook handle."""
    raise NotImplementedError("gradient-hooks: your code here")


def scale_grad_to_inputs(module, factor):
    """Multiply the gradient that module passes back to its inputs by factor (its own parameters' gradients are
    unchanged); return the hook handle."""
    raise NotImplementedError("gradient-hooks: your code here")
