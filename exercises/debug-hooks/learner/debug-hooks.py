# %% [markdown]
# # Debugging with hooks: log each pass's gradient norms, find the first module that outputs NaN or inf
#
# `debug-hooks` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write
#
# * `attach_grad_norm_logger(model) -> (log, handles)`: `log` is a new dict from every name of `model.named_parameters()`
#   to a list (a parameter with `requires_grad=False` gets no gradient, and still gets a list); at every backward pass each list gets one Python float, the L2 norm of the gradient computed for that
#   parameter in that pass (as `torch.linalg.vector_norm` computes it: models may be float16, where a plain sum of squares
#   overflows; not the accumulated `.grad`, which the caller may not zero); after `h.remove()` for every
#   `h` in `handles`, nothing more is logged. Called twice on one model, each call's log gets one entry per pass.
# * `first_nonfinite_module(model, x) -> str | None`: run `model(x)` and return the name (from `model.named_modules()`,
#   the root excluded) of the first submodule whose forward pass finishes with a NaN, inf or -inf anywhere in its output
#   (tensors nested in tuples included; a submodule of a container finishes before the container), or None if every
#   submodule's output is finite; no hook you added may remain on any module afterwards, and calling it again on the
#   same model answers for the new input alone.
#
# 编写
#
# * `attach_grad_norm_logger(model) -> (log, handles)`：`log` 是一个新字典，把 `model.named_parameters()` 中的每个名字映射到一个列表（`requires_grad=False` 的参数不会得到梯度，但也有一个列表）；每次反向传播时，每个列表得到一个 Python float：这次反向传播为该参数计算的梯度的 L2 范数（与 `torch.linalg.vector_norm` 的计算结果一致：模型可能是 float16 的，此时直接求平方和会溢出；而不是累积的 `.grad`，调用者可能不会把它清零）；对 `handles` 中的每个 `h` 调用 `h.remove()` 之后，不再记录任何东西。在同一个模型上调用两次时，每次调用得到的 log 每次反向传播得到一项。
# * `first_nonfinite_module(model, x) -> str | None`：运行 `model(x)`，返回第一个在前向传播结束时输出的任意位置含有 NaN、inf 或 -inf 的子模块的名字（来自 `model.named_modules()`，不含根模块；嵌套在元组中的张量也算；容器中的子模块先于容器结束），如果每个子模块的输出都是有限值则返回 None；之后你添加的钩子不得残留在任何模块上，并且在同一个模型上再次调用时，只针对新的输入作答。
#
# Check your work: `prep check debug-hooks`. Stuck? `prep hint debug-hooks`.
#
# 检查你的答案：`prep check debug-hooks`。卡住了？`prep hint debug-hooks`。

# %%
import torch

# %% [markdown]
# The seed debugs graphs with `torch.autogradunctional.make_subgraph()` and `make_dot()`: a garbled module name, and
# neither function exists in PyTorch (`make_dot` is the third-party torchviz). PyTorch's own debugging tools are
# hooks: functions that autograd or a module calls as tensors flow through.
#
# * `attach_grad_norm_logger(model) -> (log, handles)`: `log` maps every parameter name (as in
#   `model.named_parameters()`) to a list that gets, at every backward pass, the L2 norm (a Python float) of the
#   gradient computed for that parameter **in that pass** (not the accumulated `.grad`: the caller may not zero it);
#   `handles` holds the hook handles, so that calling `h.remove()` on each stops the logging.
# * `first_nonfinite_module(model, x) -> str | None`: run `model(x)` and return the name (as in
#   `model.named_modules()`) of the first submodule whose forward pass *finishes* with a NaN or inf in its output
#   (a module inside a container finishes before the container; a NaN or inf anywhere in a nested tuple counts),
#   or None when every output is finite. Remove every hook you added before returning, so that later calls and
#   forward passes of the same model are not affected.

# %%
def attach_grad_norm_logger(model):
    raise NotImplementedError("debug-hooks: your code here")


def first_nonfinite_module(model, x):
    raise NotImplementedError("debug-hooks: your code here")
