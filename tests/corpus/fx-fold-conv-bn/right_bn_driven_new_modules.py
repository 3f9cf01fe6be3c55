"""Walks the BatchNorm nodes rather than the conv nodes, builds each folded convolution as a new module (a shallow copy
of the conv with new Parameters, so padding mode and every other setting come along), computes the fold in float64 and
casts back, and rebuilds the GraphModule from a copied root and graph."""
import copy as cp

import torch as T
import torch.fx as fx
import torch.nn as tnn

_CONV_TYPES = {tnn.Conv1d, tnn.Conv2d, tnn.Conv3d}


def _is_norm(m):
    return isinstance(m, (tnn.BatchNorm1d, tnn.BatchNorm2d, tnn.BatchNorm3d))


def _folded(conv, bn):
    w = conv.weight.detach().double()
    mean, var = bn.running_mean.double(), bn.running_var.double()
    gamma = bn.weight.detach().double() if bn.affine else T.ones_like(var)
    beta = bn.bias.detach().double() if bn.affine else T.zeros_like(var)
    b = conv.bias.detach().double() if conv.bias is not None else T.zeros_like(var)
    s = gamma / T.sqrt(var + bn.eps)
    shape = (w.shape[0],) + (1,) * (w.dim() - 1)
    new = cp.copy(conv)
    new._parameters = dict(new._parameters)
    new.weight = tnn.Parameter((w * s.view(shape)).to(conv.weight.dtype))
    new.bias = tnn.Parameter(((b - mean) * s + beta).to(conv.weight.dtype))
    return new


def fold_conv_bn(gm):
    root = cp.deepcopy(gm)
    graph = root.graph
    mods = dict(root.named_modules())
    uses_of = {}
    for n in graph.nodes:
        if n.op == "call_module":
            uses_of.setdefault(n.target, []).append(n)

    plan = {}  # conv target -> bn target, or None when some call of that conv cannot fold
    for n in graph.nodes:
        if n.op != "call_module" or not _is_norm(mods[n.target]) or len(n.args) != 1 or n.kwargs:
            continue
        src = n.args[0]
        if not (isinstance(src, fx.Node) and src.op == "call_module" and type(mods[src.target]) in _CONV_TYPES):
            continue
        ok = len(src.users) == 1 and mods[n.target].running_var is not None
        if src.target in plan and plan[src.target] != n.target:
            ok = False
        plan[src.target] = n.target if ok and plan.get(src.target, n.target) is not None else None

    for conv_t, bn_t in plan.items():
        if bn_t is None:
            continue
        calls = uses_of[conv_t]
        if not all(len(c.users) == 1 and next(iter(c.users)).target == bn_t and next(iter(c.users)).op == "call_module"
                   for c in calls):
            continue
        root.add_submodule(conv_t, _folded(mods[conv_t], mods[bn_t]))
        for c in calls:
            bn_node = next(iter(c.users))
            bn_node.replace_all_uses_with(c)
            graph.erase_node(bn_node)
    return fx.GraphModule(root, graph)
