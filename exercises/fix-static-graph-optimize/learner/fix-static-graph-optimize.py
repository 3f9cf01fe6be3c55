# %% [markdown]
# # Fix the sample answer's static-graph optimizer: capture with torch.fx, then CSE and dead-code elimination
#
# `fix-static-graph-optimize` · fix-bug / 修复 bug · hard / 困难 · about 30 min / 约 30 分钟
#
# The stub is the sample answer's code, which imports an API that does not exist. Replace it: `optimize(fn) -> torch.fx.GraphModule`
# captures the pure function `fn` with `torch.fx.symbolic_trace` and returns a GraphModule that computes the same values
# as `fn` and in which
#
# * no two call nodes (`call_function`, `call_method`, `call_module`) have the same op, target, arguments and keyword
#   arguments (common-subexpression elimination), also counting duplicates that appear only once earlier duplicates are
#   merged: after `a = x.sin(); b = x.sin()`, the calls `a * y` and `b * y` become duplicates once `b` is merged into
#   `a`;
# * calls that differ in any argument or keyword argument are all kept (`x + 1` and `x + 1.0`, `torch.sum(x, 0)` and
#   `torch.sum(x, dim=0)` included);
# * no call node's result is unused (dead-code elimination), also when its only users were unused themselves;
# * the module runs the optimized graph (its generated code matches its graph).
#
# TorchScript (torch.jit) is deprecated in torch 2.x: torch.compile replaces it for graph optimization (exercise
# fx-fold-conv-bn).
#
# 初始代码是示例答案的代码，它导入了一个并不存在的 API。把它换掉：`optimize(fn) -> torch.fx.GraphModule` 用 `torch.fx.symbolic_trace` 捕获纯函数 `fn`，并返回一个 GraphModule，它计算的值与 `fn` 相同，并且其中
#
# * 没有两个调用节点（`call_function`、`call_method`、`call_module`）具有相同的 op、target、参数和关键字参数（公共子表达式消除），包括那些只有在前面的重复项被合并之后才出现的重复：在 `a = x.sin(); b = x.sin()` 之后，一旦 `b` 被合并到 `a`，调用 `a * y` 和 `b * y` 就成了重复项；
# * 在任何参数或关键字参数上有差别的调用都全部保留（包括 `x + 1` 和 `x + 1.0`、`torch.sum(x, 0)` 和 `torch.sum(x, dim=0)`）；
# * 没有任何调用节点的结果未被使用（死代码消除），当它仅有的使用者本身也未被使用时也是如此；
# * 模块运行的是优化后的计算图（它生成的代码与它的计算图一致）。
#
# TorchScript（torch.jit）在 torch 2.x 中已被弃用：计算图优化请改用 torch.compile（练习 fx-fold-conv-bn）。
#
# Check your work: `prep check fix-static-graph-optimize`. Stuck? `prep hint fix-static-graph-optimize`.
#
# 检查你的答案：`prep check fix-static-graph-optimize`。卡住了？`prep hint fix-static-graph-optimize`。

# %%
import torch
import torch.fx

# %% [markdown]
# The seed "optimizes a static graph" with `from torch.jit import optimize`, `optimize(w)` and
# `static_graph.optimize()`. None of it exists (`ImportError: cannot import name 'optimize' from 'torch.jit'`),
# and `w` is a tensor that was already computed: there is no graph left to optimize. A graph optimizer needs the
# *program*: capture a function with `torch.fx.symbolic_trace(fn)` and you get a `GraphModule` whose `.graph`
# lists one node per operation, which a pass can rewrite.
#
# Write `optimize(fn)` that captures `fn` with FX and applies two classic passes that the seed's "sharing" and
# "simplification" stand for:
#
# * **common-subexpression elimination**: two nodes that call the same operation (same `op`, same `target`) on the
#   same arguments and keyword arguments compute the same value, so the later one is replaced by the earlier one.
#   Merging can expose new duplicates: after `a = x.sin(); b = x.sin()`, the calls `a * y` and `b * y` differ until
#   `b` is merged into `a`, and then they are duplicates too. Walk the nodes in order and compare arguments *after*
#   earlier merges. Calls that differ in any argument stay (`x + 1` and `x + 1.0`; `torch.sum(x, 0)` and
#   `torch.sum(x, dim=0)`).
# * **dead-code elimination**: nodes whose results are never used are removed, and then the nodes only they used.
#
# Recompile the GraphModule so that it runs the optimized graph. The functions passed in are pure (no random or
# in-place operations).

# %%
def optimize(fn):
    from torch.jit import optimize as seed_optimize
    static_graph = seed_optimize(fn)
    optimized_graph = static_graph.optimize()
    return optimized_graph
