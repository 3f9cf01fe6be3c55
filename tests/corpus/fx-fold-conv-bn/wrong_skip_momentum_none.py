"""Violates: 'every foldable pair is folded' (a BatchNorm 'with running statistics'): BatchNorms built with momentum=None (cumulative average; they still track running statistics) are treated as having none and are left unfolded."""
import copy
from collections import defaultdict

import torch
import torch.fx
from torch import nn

CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _bn_of(node, mods):
    """Return the BatchNorm node that is the only user of `node`, or None."""
    if len(node.users) != 1:
        return None
    (u,) = node.users
    if u.op != "call_module" or type(mods.get(u.target)) not in NORMS:
        return None
    if u.args != (node,) or u.kwargs:
        return None
    if mods[u.target].running_var is None or mods[u.target].momentum is None:
        return None
    return u


def _merge(conv, bn):
    kind = conv.weight.dtype
    with torch.no_grad():
        rm, rv = bn.running_mean.double(), bn.running_var.double()
        g = bn.weight.double() if bn.affine else torch.ones_like(rm)
        be = bn.bias.double() if bn.affine else torch.zeros_like(rm)
        s = g * torch.rsqrt(rv + bn.eps)
        b = conv.bias.double() if conv.bias is not None else torch.zeros_like(rm)
        w = torch.einsum("o...,o->o...", conv.weight.double(), s)
        fused = copy.deepcopy(conv)
        fused.weight = nn.Parameter(w.to(kind))
        fused.register_parameter("bias", nn.Parameter(((b - rm) * s + be).to(kind)))
    return fused


def fold_conv_bn(gm):
    out = copy.deepcopy(gm)
    mods = dict(out.named_modules())
    by_conv = defaultdict(list)
    for n in out.graph.nodes:
        if n.op == "call_module" and type(mods.get(n.target)) in CONVS:
            by_conv[n.target].append(n)
    for conv_name, nodes in by_conv.items():
        bns = [_bn_of(n, mods) for n in nodes]
        if any(b is None for b in bns) or len({b.target for b in bns}) != 1:
            continue
        fused = _merge(mods[conv_name], mods[bns[0].target])
        owner, _, leaf = conv_name.rpartition(".")
        setattr(out.get_submodule(owner), leaf, fused)
        for b in bns:
            b.replace_all_uses_with(b.args[0])
            out.graph.erase_node(b)
    out.recompile()
    return out
