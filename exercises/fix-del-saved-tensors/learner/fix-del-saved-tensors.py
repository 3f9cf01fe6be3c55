# %% [markdown]
# # del does not free what the graph holds: measure saved tensors, and fix the sample answer's predict
#
# `fix-del-saved-tensors` · fix-bug / 修复 bug · medium / 中等 · about 20 min / 约 20 分钟
#
# Write
#
# * `saved_bytes(fn, *args) -> int`: call `fn(*args)` and return the total bytes of the distinct storages that autograd
#   saved for backward during that call (each storage counted once, by its `untyped_storage().data_ptr()`, with its
#   `untyped_storage().nbytes()`; parameters count like any tensor), as a Python int. Each call counts only what its own
#   `fn(*args)` saved. `fn` may run backward itself: autograd must still get back the tensors it saved. Under
#   `torch.no_grad()` the answer is 0.
# * `predict(model, x) -> Tensor`: `model(x)`, computed so that nothing is saved for backward (not even for a moment, as
#   building a graph and detaching the output afterwards would) and the output carries no graph (`grad_fn is None`), so
#   that once the caller deletes `x` its memory is freed; when `predict` returns, gradient recording is as the caller had it (on for a caller that had it on, still off for
#   a caller inside `torch.no_grad()`): switch it off only inside a with block.
#
# The stub's `predict` is the sample answer's idea: `del x` inside the function frees nothing while the output's graph holds it.
#
# 编写
#
# * `saved_bytes(fn, *args) -> int`：调用 `fn(*args)`，并以 Python int 返回这次调用期间 autograd 为反向传播保存的各个不同存储的总字节数（每个存储按它的 `untyped_storage().data_ptr()` 只计一次，大小取它的 `untyped_storage().nbytes()`；参数和其他张量一样计入）。每次调用只计算它自己的 `fn(*args)` 保存的东西。`fn` 可能自己运行反向传播：autograd 仍必须取回它保存的张量。在 `torch.no_grad()` 下答案是 0。
# * `predict(model, x) -> Tensor`：计算 `model(x)`，且不为反向传播保存任何东西（哪怕片刻也不行，先构建计算图、之后再 detach 输出就会这样），输出也不带计算图（`grad_fn is None`），这样调用者一删除 `x`，它的内存就会被释放；`predict` 返回时，梯度记录保持调用者原来的状态（调用者开启时仍为开启，调用者在 `torch.no_grad()` 中时仍为关闭）：只在 with 块内关闭它。
#
# 初始代码中的 `predict` 是示例答案的思路：只要输出的计算图还持有 `x`，在函数内部 `del x` 什么也释放不了。
#
# Check your work: `prep check fix-del-saved-tensors`. Stuck? `prep hint fix-del-saved-tensors`.
#
# 检查你的答案：`prep check fix-del-saved-tensors`。卡住了？`prep hint fix-del-saved-tensors`。

# %%
import torch

# %% [markdown]
# The seed "optimizes memory" by running a layer and then `del input_tensor; del linear_layer; del output_tensor`.
# But `del` only removes a Python name. While `output_tensor` is alive, its graph (`output_tensor.grad_fn`) holds
# the tensors that backward will need, the input among them (`grad_fn._saved_mat1 is input_tensor`), so nothing is
# freed. The memory a training forward pass costs is exactly those **saved tensors**, and
# `torch.autograd.graph.saved_tensors_hooks(pack, unpack)` shows them: `pack` is called with every tensor autograd
# saves.
#
# 1. `saved_bytes(fn, *args) -> int`: run `fn(*args)` and return the bytes of the distinct storages autograd saved
#    for backward during that call (count each storage once, by `t.untyped_storage().data_ptr()`, with its
#    `untyped_storage().nbytes()`: a saved view keeps its whole storage alive), as a Python int. Parameters count like
#    any tensor, and each call counts only what its own `fn(*args)` saved. `fn` may run backward itself, so your
#    hooks must hand autograd back the tensors it saved.
# 2. Fix `predict(model, x)`, the seed's pattern: return `model(x)` such that nothing is saved for backward, not even
#    for a moment (building the graph and detaching afterwards still pays for it), and the output holds no reference
#    to `x`, so that the caller's `del x` really frees it. Gradient recording must be on again when `predict` returns.
#    The graders read the worker's memory from outside while `predict` runs and after the caller drops `x`.

# %%
def saved_bytes(fn, *args):
    raise NotImplementedError("fix-del-saved-tensors: your code here")


def predict(model, x):
    output_tensor = model(x)
    del x  # the seed: "free the input's memory"
    return output_tensor
