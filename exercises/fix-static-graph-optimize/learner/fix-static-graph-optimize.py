# %% [markdown]
# # Fix the seed's static-graph optimizer: capture with torch.fx, then CSE and dead-code elimination
#
# `fix-static-graph-optimize` · fix-bug · hard · about 30 min
#
# The stub is the seed's code, which imports an API that does not exist. Replace it: `optimize(fn) -> torch.fx.GraphModule`
# captures the pure function `fn` with `torch.fx.symbolic_trace` and returns a GraphModule that computes the same values
# as `fn` and in which
#
# * no two call nodes (`call_function`, `call_method`, `call_module`) have the same op, target, arguments and keyword
#   arguments, also counting duplicates that appear only once earlier duplicates are merged (common-subexpression
#   elimination), while calls that differ in any argument or keyword argument are all kept;
# * no call node's result is unused (dead-code elimination).
#
# Check your work: `prep check fix-static-graph-optimize`. Stuck? `prep hint fix-static-graph-optimize`.

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
    from torch.jit import optimize as seed_optimize
    static_graph = seed_optimize(fn)
    optimized_graph = static_graph.optimize()
    return optimized_graph
