"""Collects the foldable groups first (conv target -> BatchNorm target) with a helper class, then folds with
torch.nn.functional-free arithmetic on a deep copy: the weight multiplied in place through a view along dim 0, the bias
replaced by a fresh Parameter; BatchNorm nodes removed with Graph.erase_node after rewiring through node.args."""
from copy import deepcopy

import torch
from torch import fx, nn


class Group:
    def __init__(self, conv_target):
        self.conv_target = conv_target
        self.conv_calls = []
        self.bn_targets = set()
        self.bn_calls = []
        self.blocked = False


def _single_bn_user(node, modules):
    if len(node.users) != 1:
        return None
    (user,) = node.users
    if user.op != "call_module" or user.args != (node,) or user.kwargs:
        return None
    mod = modules[user.target]
    if type(mod) not in (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d):
        return None
    if mod.running_mean is None:
        return None
    return user


def fold_conv_bn(gm: fx.GraphModule) -> fx.GraphModule:
    out = deepcopy(gm)
    modules = dict(out.named_modules())
    groups = {}
    for node in out.graph.nodes:
        if node.op != "call_module" or type(modules[node.target]) not in (nn.Conv1d, nn.Conv2d, nn.Conv3d):
            continue
        g = groups.setdefault(node.target, Group(node.target))
        g.conv_calls.append(node)
        bn_call = _single_bn_user(node, modules)
        if bn_call is None:
            g.blocked = True
        else:
            g.bn_targets.add(bn_call.target)
            g.bn_calls.append(bn_call)
    for g in groups.values():
        if g.blocked or len(g.bn_targets) != 1:
            continue
        conv, bn = modules[g.conv_target], modules[next(iter(g.bn_targets))]
        inv_std = (bn.running_var + bn.eps).rsqrt()
        gamma = bn.weight if bn.weight is not None else torch.ones_like(inv_std)
        beta = bn.bias if bn.bias is not None else torch.zeros_like(inv_std)
        factor = (gamma * inv_std).detach()
        with torch.no_grad():
            view = conv.weight.view(conv.weight.shape[0], -1)
            view.mul_(factor.unsqueeze(1))
            old_bias = conv.bias.detach() if conv.bias is not None else 0.0
            conv.bias = nn.Parameter(beta.detach() + (old_bias - bn.running_mean) * factor)
        for bn_call in g.bn_calls:
            (src,) = bn_call.args
            bn_call.replace_all_uses_with(src)
            out.graph.erase_node(bn_call)
    out.recompile()
    return out
