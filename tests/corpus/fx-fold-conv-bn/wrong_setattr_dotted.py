"""'the module under the conv's name in the result is a convolution that gives bn(conv(x)) on its own': the folded conv is set with setattr(root, 'features.0', conv), which creates an attribute literally named 'features.0' on the root instead of replacing the nested module, so a nested conv stays unfolded while its BatchNorm node is gone."""
import copy
from collections import defaultdict

import torch
import torch.fx
from torch import nn

_CONV_T = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
_BN_T = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _bn_after(node, mods):
    users = list(node.users)
    if len(users) != 1:
        return None
    u = users[0]
    if u.op != "call_module" or not isinstance(mods.get(u.target), _BN_T):
        return None
    if len(u.args) != 1 or u.kwargs or u.args[0] is not node:
        return None
    bn = mods[u.target]
    if bn.running_mean is None or bn.running_var is None:
        return None
    return u


def _folded(conv, bn):
    with torch.no_grad():
        W = conv.weight
        dt = W.dtype
        gamma = bn.weight if bn.weight is not None else torch.ones_like(bn.running_var)
        beta = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_mean)
        b = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        s = gamma / torch.sqrt(bn.running_var + bn.eps)
        shape = [-1] + [1] * (W.dim() - 1)
        new_w = (W * s.reshape(shape)).to(dt)
        new_b = ((b - bn.running_mean) * s + beta).to(dt)
    out = copy.deepcopy(conv)
    out.weight = nn.Parameter(new_w)
    out.bias = nn.Parameter(new_b)
    return out


def _set_module(root, dotted, mod):
    parent_name, _, leaf = dotted.rpartition(".")
    parent = root.get_submodule(parent_name) if parent_name else root
    setattr(parent, leaf, mod)


def fold_conv_bn(gm):
    res = copy.deepcopy(gm)
    mods = dict(res.named_modules())
    calls = defaultdict(list)
    for node in res.graph.nodes:
        if node.op == "call_module" and isinstance(mods.get(node.target), _CONV_T):
            calls[node.target].append(node)
    for target, nodes in calls.items():
        bn_nodes = [_bn_after(n, mods) for n in nodes]
        if any(b is None for b in bn_nodes):
            continue
        if len({b.target for b in bn_nodes}) != 1:
            continue
        setattr(res, target, _folded(mods[target], mods[bn_nodes[0].target]))
        for conv_node, bn_node in zip(nodes, bn_nodes):
            bn_node.replace_all_uses_with(conv_node)
            res.graph.erase_node(bn_node)
    res.graph.lint()
    res.recompile()
    return res
