# %% [markdown]
# # Fix the sample answer's torch.jit.fork: a Future, not a context manager (and not graph branches)
#
# `fix-jit-fork` · fix-bug / 修复 bug · easy / 简单 · about 15 min / 约 15 分钟
#
# The stub is the sample answer's code, which does not compile. Fix it:
#
# * `my_function(x, y)`: a TorchScript function (`torch.jit.ScriptFunction`, made with `@torch.jit.script`) that returns
#   the tuple `(x + y, x * y)` for any tensors that broadcast, computing `x + y` in a task started with `torch.jit.fork`
#   and collected with `torch.jit.wait`: in its graph, the first output is the value an `aten::wait` takes from a
#   `prim::fork`;
# * `fork_all(fns, x) -> list`: from eager Python, start `fn(x)` with `torch.jit.fork` for every function in `fns`, then
#   wait for each, and return the results in the order of `fns`. Called eagerly, fork runs each function at once, so
#   what shows the forks is a trace: `torch.jit.trace` of a call records one `prim::fork` per function, all of them
#   before the first `aten::wait`.
#
# TorchScript, torch.jit.fork included, is deprecated in torch 2.x: torch.compile replaces it for speed (exercise
# compile-graph-breaks).
#
# 初始代码是示例答案的代码，它无法编译。修好它：
#
# * `my_function(x, y)`：一个 TorchScript 函数（`torch.jit.ScriptFunction`，用 `@torch.jit.script` 生成），对任意可广播的张量返回元组 `(x + y, x * y)`，其中 `x + y` 在一个用 `torch.jit.fork` 启动、用 `torch.jit.wait` 收回的任务中计算：在它的计算图中，第一个输出是 `aten::wait` 从 `prim::fork` 取得的值；
# * `fork_all(fns, x) -> list`：在 eager 模式的 Python 中，对 `fns` 中的每个函数用 `torch.jit.fork` 启动 `fn(x)`，然后逐个等待，并按 `fns` 的顺序返回结果。在 eager 模式下调用时，fork 会立即运行每个函数，所以能显示出 fork 的是 trace：对一次调用做 `torch.jit.trace` 会为每个函数记录一个 `prim::fork`，且全部位于第一个 `aten::wait` 之前。
#
# TorchScript（包括 torch.jit.fork）在 torch 2.x 中已被弃用：要提速请改用 torch.compile（练习 compile-graph-breaks）。
#
# Check your work: `prep check fix-jit-fork`. Stuck? `prep hint fix-jit-fork`.
#
# 检查你的答案：`prep check fix-jit-fork`。卡住了？`prep hint fix-jit-fork`。

# %%
import torch

# %% [markdown]
# The seed says `torch.jit.fork` "creates branch nodes in the dynamic graph" and uses it as a context manager,
# `with torch.jit.fork():`, inside a scripted function: TorchScript rejects it (`RuntimeError: Expected at least one
# argument to fork()`). The real API is `fut = torch.jit.fork(fn, *args)`, which starts `fn(*args)` as an
# asynchronous task and returns a `torch.jit.Future`, and `torch.jit.wait(fut)`, which returns its value. Inside
# TorchScript the tasks can run in parallel on the inter-op thread pool; called from eager Python, fork runs `fn`
# right away (no parallelism). TorchScript itself is deprecated in torch 2.x.
#
# 1. `my_function(x, y)`: a TorchScript function (decorate it with `@torch.jit.script`) returning the tuple
#    `(x + y, x * y)` (any tensors that broadcast), where `x + y` runs in a forked task: in its graph, the first output
#    is the value an `aten::wait` takes from a `prim::fork`.
# 2. `fork_all(fns, x)`: from eager Python, fork `fn(x)` for every function in the list, then wait for all of them,
#    and return the list of results in order. Eagerly, fork runs each function at once; the graders trace a call with
#    `torch.jit.trace`, which records one `prim::fork` per function, all before the first `aten::wait`.

# %%
def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


# The seed decorates this with @torch.jit.script, which rejects the body at import time;
# it is left off here so that the file loads. Fix the body, then script it.
def my_function(x, y):
    with torch.jit.fork():
        z = x + y
        w = x * y
    return z, w


def fork_all(fns, x):
    raise NotImplementedError("fix-jit-fork: your code here")
