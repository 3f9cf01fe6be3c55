"""The rule of torch.fx.experimental.optimization.fuse: looks at each BatchNorm node and folds into the conv before it if that conv node has no other user, without asking whether the same conv module is also called elsewhere; its other calls change."""
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
        conv_nodes = [n for n in conv_nodes if len(n.users) == 1 and next(iter(n.users)).op == "call_module" and isinstance(modules[next(iter(n.users)).target], NORMS)]
        if not conv_nodes:
            continue
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
            with torch.no_grad():
                scale = torch.rsqrt(bn.running_var + bn.eps)
                if bn.weight is not None:
                    scale = scale * bn.weight
                bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
                bias = (bias - bn.running_mean) * scale
                if bn.bias is not None:
                    bias = bias + bn.bias
                conv.weight.mul_(scale.reshape([-1] + [1] * (conv.weight.dim() - 1)))
                conv.bias = nn.Parameter(bias)
            for bn_node in bn_nodes:
                bn_node.replace_all_uses_with(bn_node.args[0])
                gm.graph.erase_node(bn_node)
    gm.graph.lint()
    gm.recompile()
    return gm
