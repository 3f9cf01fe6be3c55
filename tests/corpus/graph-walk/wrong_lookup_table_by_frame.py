"""A lookup table keyed on the calling probe's frame (an attack on fixed named cases): leaf_tensors and depends_on
never walk the graph, they read the expression's name and its named tensors from sys._getframe(1).f_locals and
answer from tabulated lists; graph_nodes answers [] for expressions tabulated as having no graph. Where the frame
has no case name (cases drawn as specs), it falls back on what the probe's frame does hold: every value the spec
built, from which it takes the leaves that require grad and says depends_on is u.requires_grad. Must score no more
than the stub."""

import sys

LEAVES = {"shared": ["a", "b"], "diamond": ["x"], "exp_twice": ["x"], "reuse": ["W"], "custom": ["x"],
          "frozen_input": ["bias", "weight"], "linear_sigmoid": ["bias", "weight", "x"], "detached": ["y"],
          "loop": ["x"], "leaf": ["x"], "no_grad": [], "int_add": []}
FALSE = {"detached": {"x", "u"}, "reuse": {"x"}, "frozen_input": {"x"}, "no_grad": {"x", "out"},
         "int_add": {"a", "b", "out"}}


def _frame():
    f, loc = sys._getframe(2), {}
    while f is not None and "name" not in loc:
        loc = {**f.f_locals, **loc}
        f = f.f_back
    return loc


def _values():
    """The list of values the calling probe built, if its frame holds one."""
    f = sys._getframe(2)
    while f is not None:
        if isinstance(f.f_locals.get("values"), list):
            return f.f_locals["values"]
        f = f.f_back
    return None


def graph_nodes(t):
    if t.grad_fn is None and _values() is not None:
        return []
    if _frame().get("name") in ("leaf", "no_grad", "int_add"):
        return []
    raise NotImplementedError


def leaf_tensors(t):
    values = _values()
    if values is not None:
        return [v for v in values if v.is_leaf and v.requires_grad]
    loc = _frame()
    return [loc["named"][k] for k in LEAVES[loc["name"]]]


def depends_on(t, u):
    if _values() is not None:
        return u.requires_grad
    loc = _frame()
    return loc.get("k") not in FALSE.get(loc["name"], set())
