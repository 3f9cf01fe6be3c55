# %% [markdown]
# # From eager to a static graph: why torch.jit.trace freezes your if, and what to use instead
#
# `trace-vs-script` · fix-bug / 修复 bug · medium / 中等 · about 20 min / 约 20 分钟
#
# The stub is the sample answer. Fix it:
#
# * `to_static(model, example) -> torch.jit.ScriptModule`: a captured graph of `model` that gives `model(x)` for every
#   input `x` of the example's shape, including inputs that take another branch of data-dependent Python control flow
#   (an `if` on a tensor's value, a loop count computed from values) than `example` did.
# * `save_static(module, path)` writes the captured module to the file `path`; `load_static(path)` returns a
#   `torch.jit.ScriptModule` read from that file, usable without the model's Python class.
# * `branch_free(x)`: the same values and dtype as `Gate()(x)` (x * 2 if x.sum() > 0, else x - 10; a NaN sum is not > 0; x holds no infinities, and x * 2 does not overflow) for any
#   shape (0-d and empty included) and any dtype (int64 included), written without Python control flow so that `torch.jit.trace(branch_free, (example,))` is right for
#   inputs of both signs.
#
# The sample answer traces a tensor that was already computed (`trace(z)`), which raises; and tracing a model instead still
# silently freezes the branch the example took.
#
# TorchScript is deprecated in torch 2.x: torch.export replaces it for deployment (exercise export-cond) and
# torch.compile for speed.
#
# 初始代码就是示例答案。修好它：
#
# * `to_static(model, example) -> torch.jit.ScriptModule`：`model` 的一个捕获下来的计算图，对与 example 形状相同的每个输入 `x` 都给出 `model(x)`，包括那些在依赖数据的 Python 控制流（基于张量值的 `if`、由数值算出的循环次数）中走了与 `example` 不同分支的输入。
# * `save_static(module, path)` 把捕获的模块写入文件 `path`；`load_static(path)` 返回从该文件读出的 `torch.jit.ScriptModule`，没有模型的 Python 类也能使用。
# * `branch_free(x)`：对任意形状（包括 0 维和空张量）和任意 dtype（包括 int64）给出与 `Gate()(x)` 相同的值和 dtype（x.sum() > 0 时为 x * 2，否则为 x - 10；和为 NaN 时不算 > 0；x 中没有无穷大，x * 2 也不会溢出），写法中不含 Python 控制流，使 `torch.jit.trace(branch_free, (example,))` 对正负两种符号的输入都正确。
#
# 示例答案对一个已经算出来的张量做 trace（`trace(z)`），这会抛出异常；而改为对模型做 trace，仍会悄无声息地把 example 走过的分支固定下来。
#
# TorchScript 在 torch 2.x 中已被弃用：要部署请改用 torch.export（练习 export-cond），要提速请改用 torch.compile。
#
# Check your work: `prep check trace-vs-script`. Stuck? `prep hint trace-vs-script`.
#
# 检查你的答案：`prep check trace-vs-script`。卡住了？`prep hint trace-vs-script`。

# %%
import torch
from torch import nn

# %% [markdown]
# The seed converts a "dynamic graph" to a static one with `trace(z)`, where `z = (x + y).mean()` is a tensor
# that has already been computed: `torch.jit.trace` needs a function or module and example inputs, so the seed
# raises. And even `torch.jit.trace(model, example)` is a trap: tracing records the operations that ran for the
# example, so a data-dependent `if` is frozen to the branch the example took (at most a TracerWarning).
#
# `Gate` below is such a model. Fix the three functions:
#
# * `to_static(model, example)` returns a `torch.jit.ScriptModule` that is correct for every input,
#   whichever branch it takes;
# * `save_static(module, path)` writes the captured module to the file `path`, and `load_static(path)` reads that
#   file back (the loaded module needs no Python class definition);
# * `branch_free(x)` computes `Gate()(x)` for any shape (0-d and empty included) without Python control flow, so
#   that even `torch.jit.trace` of it is correct for both signs.
#
# TorchScript is deprecated in torch 2.x (DeprecationWarning): see the exercises on `torch.compile` and
# `torch.export` for today's tools. It is still what many deployments run, and the trace pitfall is a classic.

# %%
class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10

# %%
def to_static(model, example):
    z = model(example)
    static_graph = torch.jit.trace(z)
    return static_graph


def save_static(module, path):
    torch.save(module.state_dict(), path)


def load_static(path):
    return torch.load(path)


def branch_free(x):
    raise NotImplementedError("trace-vs-script: your code here")
