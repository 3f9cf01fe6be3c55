"""Repeats a naive pairwise merge until nothing changes, comparing the repr of arguments (so 1 and 1.0 stay apart),
then lets DCE clean up."""

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
#   Merging can expose new duplicates (`a = x.sin(); b = x.sin(); a + b` and `a + b` again): walk the nodes in
#   order and compare arguments *after* earlier merges.
# * **dead-code elimination**: nodes whose results are never used are removed.
#
# The functions passed in are pure (no random or in-place operations).

# %%
def optimize(fn):
    gm = torch.fx.symbolic_trace(fn)
    graph = gm.graph
    changed = True
    while changed:
        changed = False
        calls = [n for n in graph.nodes if n.op.startswith("call")]
        for i, a in enumerate(calls):
            for b in calls[i + 1:]:
                if (a.op, a.target, repr(a.args), repr(sorted(a.kwargs.items()))) == (b.op, b.target, repr(b.args), repr(sorted(b.kwargs.items()))):
                    b.replace_all_uses_with(a)
                    graph.erase_node(b)
                    changed = True
                    break
            if changed:
                break
    graph.eliminate_dead_code()
    gm.recompile()
    return gm
