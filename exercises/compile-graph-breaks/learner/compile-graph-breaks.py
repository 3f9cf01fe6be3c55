# %% [markdown]
# # torch.compile and graph breaks: count them, then write a function that compiles to one graph
#
# `compile-graph-breaks` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write
#
# * `count_graph_breaks(fn, *args) -> int`: the number of graph breaks `torch.compile` makes when it runs `fn(*args)`,
#   as `torch._dynamo.explain` counts them (its `graph_break_count`, which a `print()` with nothing computed before
#   or after it does not raise; a function with no break gives 0; one with a `print()` in the middle gives
#   1; one with two gives 2), for functions of one or more tensors.
# * `compile_friendly(x) -> Tensor`: the same values as the given `debug_step(x)` (without its print) for every float
#   tensor `x` of any shape (0-d included), such that `torch.compile(compile_friendly)` with default settings makes
#   exactly one graph and no graph break (so `fullgraph=True` works too; note that `fullgraph=True` alone would also
#   accept an `.item()`, which it captures while default settings break on it).
#
# Graders count with a clean Dynamo cache, and run your `compile_friendly` compiled with `backend="eager"` inside
# `torch._dynamo.error_on_graph_break(True)`, which raises at any graph break.
#
# 编写
#
# * `count_graph_breaks(fn, *args) -> int`：`torch.compile` 运行 `fn(*args)` 时产生的 graph break 的数量，按 `torch._dynamo.explain` 的计数方式（即它的 `graph_break_count`，前后都没有计算的 `print()` 不会增加它；没有 break 的函数为 0；中间有一个 `print()` 的函数为 1；有两个的为 2），适用于接受一个或多个张量的函数。
# * `compile_friendly(x) -> Tensor`：对任意形状（包括 0 维）的每个浮点张量 `x`，给出与所给的 `debug_step(x)`（去掉其中的 print）相同的值，并且在默认设置下 `torch.compile(compile_friendly)` 恰好生成一个计算图、没有 graph break（因此 `fullgraph=True` 也能工作；注意，仅凭 `fullgraph=True` 也会接受 `.item()`，它会捕获 `.item()`，而默认设置会在 `.item()` 处 break）。
#
# 评分项在干净的 Dynamo 缓存下计数，并在 `torch._dynamo.error_on_graph_break(True)` 中运行用 `backend="eager"` 编译的 `compile_friendly`，遇到任何 graph break 都会抛出异常。
#
# Check your work: `prep check compile-graph-breaks`. Stuck? `prep hint compile-graph-breaks`.
#
# 检查你的答案：`prep check compile-graph-breaks`。卡住了？`prep hint compile-graph-breaks`。

# %%
import torch

# %% [markdown]
# The seeds' "future trend" of dynamic graphs is real, but they never name it: in PyTorch 2.x you keep writing
# eager code and `torch.compile` captures it into graphs (TorchDynamo) that a backend can optimize (fusion,
# less per-op overhead). Where Dynamo meets something it cannot put in a graph (a `print`, `.item()`, an
# `if` on a tensor's value) it does not fail: it ends the graph, runs that bit eagerly, and starts a new
# graph. That is a **graph break**, and each one costs optimization opportunities.
#
# 1. `count_graph_breaks(fn, *args)` returns how many graph breaks `torch.compile` makes when it runs
#    `fn(*args)` (a function of one or more tensors), as `torch._dynamo.explain(fn)(*args)` counts them.
# 2. `debug_step` below has three graph breaks. Write `compile_friendly(x)`, with the same values for
#    every float tensor `x` (of any shape, 0-d included), that `torch.compile` runs as one graph with no graph break
#    under default settings (leave the print out; `fullgraph=True` would capture an `.item()`, default settings break
#    on it).

# %%
def debug_step(x):
    y = x * 2 + 1
    print("y mean", y.mean().item())
    if y.sum() > 0:
        y = y.sin()
    else:
        y = y.cos()
    return y * y.abs().max()

# %%
def count_graph_breaks(fn, *args):
    raise NotImplementedError("compile-graph-breaks: your code here")


def compile_friendly(x):
    raise NotImplementedError("compile-graph-breaks: your code here")
