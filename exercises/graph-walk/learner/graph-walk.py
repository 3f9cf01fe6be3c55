# %% [markdown]
# # Walk the autograd graph: grad_fn, next_functions, AccumulateGrad, and a graph whose size follows the data
#
# `graph-walk` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write three functions that read the autograd graph behind a tensor `t`:
#
# * `graph_nodes(t) -> list`: every backward node reachable from `t.grad_fn` through `next_functions` (the node
#   objects themselves, e.g. `SigmoidBackward0` or `AccumulateGrad` instances), each exactly once (by identity: two
#   different nodes may share a name), in a topological order: a node comes before every node in its
#   `next_functions`. `[]` when `t.grad_fn` is None.
# * `leaf_tensors(t) -> list[Tensor]`: the leaf tensors whose `.grad` a backward from `t` would fill, each once, in
#   any order (a non-leaf told to keep its `.grad` with `retain_grad()`, `t` included, is not one of them): `t` itself
#   if it is a leaf that requires grad, otherwise the `.variable` of every `AccumulateGrad` node reachable from
#   `t.grad_fn`.
# * `depends_on(t, u) -> bool`: True iff a backward from `t` would compute a gradient for `u`, a leaf or an intermediate
#   tensor (`u` is `t` and requires grad, or `u`'s node is reachable from `t.grad_fn`).
#
# The graders build random graphs with shared inputs, views, a value used both directly and through another op,
# same-named nodes, reused weights, a custom Function, `.detach()`, `torch.no_grad()`, integer tensors, and a Python loop whose number
# of iterations depends on the data.
#
# The sample answer has the direction backwards: nodes do not list the nodes that depend on them; each node's
# `next_functions` points to the nodes its inputs came from. And `torch.tensor(2) + torch.tensor(3)` creates no node.
#
# 编写三个函数，读取张量 `t` 背后的 autograd 计算图：
#
# * `graph_nodes(t) -> list`：从 `t.grad_fn` 出发、沿 `next_functions` 可达的每个反向节点（节点对象本身，例如 `SigmoidBackward0` 或 `AccumulateGrad` 实例），每个恰好出现一次（按对象身份区分：两个不同的节点可能同名），并按拓扑顺序排列：一个节点排在它的 `next_functions` 中每个节点之前。`t.grad_fn` 为 None 时返回 `[]`。
# * `leaf_tensors(t) -> list[Tensor]`：从 `t` 做反向传播时会填充其 `.grad` 的那些叶子张量，每个一次，顺序任意（用 `retain_grad()` 保留 `.grad` 的非叶子张量，包括 `t` 本身，不算在内）：如果 `t` 本身是需要梯度的叶子张量，就是 `t`；否则是从 `t.grad_fn` 可达的每个 `AccumulateGrad` 节点的 `.variable`。
# * `depends_on(t, u) -> bool`：当且仅当从 `t` 做反向传播会为 `u`（叶子张量或中间张量）计算梯度时返回 True（即 `u` 就是 `t` 且需要梯度，或者 `u` 的节点从 `t.grad_fn` 可达）。
#
# 评分项构造随机的计算图，包括：共享的输入、视图、一个既被直接使用又经过另一个运算使用的值、同名节点、重复使用的权重、自定义 Function、`.detach()`、`torch.no_grad()`、整数张量，以及迭代次数取决于数据的 Python 循环。
#
# 示例答案把方向弄反了：节点并不列出依赖于它的节点；每个节点的 `next_functions` 指向它的输入所来自的节点。另外，`torch.tensor(2) + torch.tensor(3)` 不会创建任何节点。
#
# Check your work: `prep check graph-walk`. Stuck? `prep hint graph-walk`.
#
# 检查你的答案：`prep check graph-walk`。卡住了？`prep hint graph-walk`。

# %%
import torch

# %% [markdown]
# Every operation on a tensor that requires grad records a backward *node* (`t.grad_fn`).
# A node points to the nodes of its **inputs** through `node.next_functions`, a tuple of
# `(node_or_None, index)` pairs; a leaf tensor that requires grad appears there as an
# `AccumulateGrad` node whose `.variable` is the leaf. So the dependencies point from an
# output back to what it was computed from, which is the direction backward walks (the seed
# says each node lists the nodes that depend on it: the reverse). `None` marks an input
# that needs no gradient. Tensors with `grad_fn is None` are leaves, or were computed
# without grad (integer tensors, `torch.no_grad()`, `.detach()`).
#
# The graph is rebuilt on every forward pass, so its size can depend on the data: a
# Python loop that runs k times records k copies of its body.

# %%
def graph_nodes(t):
    """Every backward node reachable from t.grad_fn, each exactly once, in a topological order:
    a node comes before every node in its next_functions. [] when t has no grad_fn."""
    raise NotImplementedError("graph-walk: your code here")


def leaf_tensors(t):
    """The tensors whose .grad a backward from t would fill, each once: t itself if it is a leaf that
    requires grad, otherwise the .variable of every AccumulateGrad node reachable from t.grad_fn."""
    raise NotImplementedError("graph-walk: your code here")


def depends_on(t, u):
    """True iff a backward from t computes a gradient for u (a leaf or an intermediate tensor)."""
    raise NotImplementedError("graph-walk: your code here")
