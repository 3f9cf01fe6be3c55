"""Removes each foldable BatchNorm node but never folds: the module under the conv's name becomes
nn.Sequential(conv, a copy of the BatchNorm). Outputs, graph and "the conv on its own gives bn(conv(x))" all hold,
and changing the original BatchNorm no longer matters (the copy is private), but nothing was folded: the conv's
parameters are not the folded weight and bias, and the BatchNorm still runs on every call."""
import copy

import torch
import torch.fx
from torch import nn

CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def fold_conv_bn(gm):
    gm = copy.deepcopy(gm)
    modules = dict(gm.named_modules())
    calls = {}
    for node in gm.graph.nodes:
        if node.op == "call_module":
            calls.setdefault(node.target, []).append(node)
    for target, conv_nodes in calls.items():
        conv = modules[target]
        if not isinstance(conv, CONVS):
            continue
        bn_nodes = []
        for node in conv_nodes:
            users = list(node.users)
            if len(users) != 1:
                break
            user = users[0]
            if user.op != "call_module" or not isinstance(modules[user.target], NORMS) or user.args != (node,):
                break
            bn_nodes.append(user)
        else:
            if len({n.target for n in bn_nodes}) != 1:
                continue
            bn = modules[bn_nodes[0].target]
            if bn.running_mean is None or bn.running_var is None:
                continue
            # bn(conv(x)) on its own, and a private copy of the BatchNorm: later changes to gm's BatchNorm cannot reach it
            gm.add_submodule(target, nn.Sequential(conv, copy.deepcopy(bn)))
            for bn_node in bn_nodes:
                bn_node.replace_all_uses_with(bn_node.args[0])
                gm.graph.erase_node(bn_node)
    gm.graph.lint()
    gm.recompile()
    return gm
