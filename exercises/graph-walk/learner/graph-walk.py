# %% [markdown]
# # Walk the autograd graph: grad_fn, next_functions, AccumulateGrad, and a graph whose size follows the data
#
# `graph-walk` · code · medium · about 30 min
#
# Write three functions that read the autograd graph behind a tensor `t`:
#
# * `graph_nodes(t) -> list`: every backward node reachable from `t.grad_fn` through `next_functions` (the node
#   objects themselves, e.g. `SigmoidBackward0` or `AccumulateGrad` instances), each exactly once (by identity: two
#   different nodes may share a name), in a topological order: a node comes before every node in its
#   `next_functions`. `[]` when `t.grad_fn` is None.
# * `leaf_tensors(t) -> list[Tensor]`: the tensors whose `.grad` a backward from `t` would fill, each once, in any
#   order: `t` itself if it is a leaf that requires grad, otherwise the `.variable` of every `AccumulateGrad` node
#   reachable from `t.grad_fn`.
# * `depends_on(t, u) -> bool`: True iff a backward from `t` would compute a gradient for `u`, a leaf or an intermediate
#   tensor (`u` is `t` and requires grad, or `u`'s node is reachable from `t.grad_fn`).
#
# The graders build graphs with shared inputs, a value used both directly and through another op, same-named nodes,
# reused weights, a custom Function, `.detach()`, `torch.no_grad()`, integer tensors, and a Python loop whose number
# of iterations depends on the data.
#
# The sample answer has the direction backwards: nodes do not list the nodes that depend on them; each node's
# `next_functions` points to the nodes its inputs came from. And `torch.tensor(2) + torch.tensor(3)` creates no node.
#
# Check your work: `prep check graph-walk`. Stuck? `prep hint graph-walk`.

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
