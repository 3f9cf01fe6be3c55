# %% [markdown]
# # torch.export: refuse a data-dependent if, capture torch.cond, dynamic batch, save and load
#
# `export-cond` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write
#
# * `class CondGate(nn.Module)` whose `forward(x)` returns `x * 2` when `x.sum() > 0` and `x - 10` otherwise, using
#   `torch.cond` (no Python `if` on a tensor's value), for any shape (0-d included) and dtype (integer tensors included: both
#   branches keep x's dtype, as `torch.cond` requires);
# * `export_model(model, example, dynamic_batch=False) -> torch.export.ExportedProgram`: `torch.export` of `model` for the
#   single positional input `example`; with `dynamic_batch=True`, dimension 0 of the input is dynamic so that the program
#   accepts any batch size (1 included; an example of batch 1 cannot be made dynamic: raise then, as torch.export does),
#   otherwise it is fixed to the example's and the program refuses other batch sizes;
# * `save_exported(ep, path)` writes the program to the file `path`; `load_exported(path)` reads that file back as an
#   `ExportedProgram` (a dynamic batch stays dynamic).
#
# `export_model` must really export: for a model with a Python `if` on a tensor's value it raises torch.export's own
# error, as `torch.export` does. An exported CondGate keeps both branches (a `cond` node in its graph).
#
# 编写
#
# * `class CondGate(nn.Module)`，其 `forward(x)` 在 `x.sum() > 0` 时返回 `x * 2`，否则返回 `x - 10`，使用 `torch.cond` 实现（不对张量的值使用 Python `if`），适用于任意形状（包括 0 维）和任意 dtype（包括整数张量：两个分支都保持 x 的 dtype，这是 `torch.cond` 的要求）；
# * `export_model(model, example, dynamic_batch=False) -> torch.export.ExportedProgram`：用单个位置输入 `example` 对 `model` 做 `torch.export`；`dynamic_batch=True` 时，输入的第 0 维是动态的，使导出的程序接受任意批大小（包括 1；批大小为 1 的 example 无法变成动态的：此时抛出异常，与 torch.export 一致），否则它固定为 example 的批大小，程序拒绝其他批大小；
# * `save_exported(ep, path)` 把程序写入文件 `path`；`load_exported(path)` 把该文件读回为 `ExportedProgram`（动态批大小保持动态）。
#
# `export_model` 必须真的做导出：对于含有基于张量值的 Python `if` 的模型，它抛出 torch.export 自己的错误，和 `torch.export` 一样。导出的 CondGate 保留两个分支（其计算图中有一个 `cond` 节点）。
#
# Check your work: `prep check export-cond`. Stuck? `prep hint export-cond`.
#
# 检查你的答案：`prep check export-cond`。卡住了？`prep hint export-cond`。

# %%
import torch
from torch import nn

# %% [markdown]
# `torch.export.export(model, (example,))` captures a whole model as one graph, an `ExportedProgram`, for
# deployment: no Python needed to run it, no graph breaks allowed. A Python `if` on a tensor's value cannot be
# captured (export raises a data-dependent error, it does not guess); `torch.cond(pred, true_fn, false_fn,
# operands)` puts both branches in the graph and picks one at run time.
#
# 1. `CondGate`: `forward(x)` returns `x * 2` when `x.sum() > 0` and `x - 10` otherwise, written with
#    `torch.cond` so that it exports (any shape, 0-d included; the exported graph keeps a `cond` node).
# 2. `export_model(model, example, dynamic_batch=False)` exports `model` for the single input `example`;
#    with `dynamic_batch=True` the first dimension of the input is dynamic (`torch.export.Dim`), so the exported
#    program accepts any batch size, 1 included (without it, export specializes to the example's size and the program
#    refuses other sizes). A model with a Python `if` on a value must make it raise torch.export's own error.
# 3. `save_exported(ep, path)` / `load_exported(path)`: write an `ExportedProgram` to the file `path` and read that
#    file back (a dynamic batch stays dynamic).

# %%
class CondGate(nn.Module):
    def forward(self, x):
        raise NotImplementedError("export-cond: your code here")


def export_model(model, example, dynamic_batch=False):
    raise NotImplementedError("export-cond: your code here")


def save_exported(ep, path):
    raise NotImplementedError("export-cond: your code here")


def load_exported(path):
    raise NotImplementedError("export-cond: your code here")
