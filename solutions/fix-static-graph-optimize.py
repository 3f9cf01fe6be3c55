"""Reference solution for fix-static-graph-optimize (seeds 000-08, 000-12, 000-19). The STUB is the seed's code."""

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
    ### BEGIN SOLUTION
    gm = torch.fx.symbolic_trace(fn)
    graph = gm.graph
    seen = {}
    for node in list(graph.nodes):
        if node.op not in ("call_function", "call_method", "call_module"):
            continue
        # args hold Nodes (printed by their unique names) and constants; earlier merges have already
        # rewritten them, so second-level duplicates get the same key too; keyword arguments are the same
        # whatever order they are written in
        key = (node.op, node.target, repr(node.args), repr(sorted(node.kwargs.items())))
        if key in seen:
            node.replace_all_uses_with(seen[key])
            graph.erase_node(node)
        else:
            seen[key] = node
    graph.eliminate_dead_code()
    gm.recompile()
    return gm
    ### END SOLUTION
    ### BEGIN STUB
    # from torch.jit import optimize as seed_optimize
    # static_graph = seed_optimize(fn)
    # optimized_graph = static_graph.optimize()
    # return optimized_graph
    ### END STUB
