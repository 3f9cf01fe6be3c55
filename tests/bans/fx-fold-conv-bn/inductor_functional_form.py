"""Channel: a functional form elsewhere in torch: Inductor's efficient_conv_bn_eval_decomposed computes the folded
weight and bias and hands them to any callable it is given as "conv": a callable that returns them instead of
convolving gets torch's fold."""

import copy
import importlib

import torch
from torch import nn

_ecbe = importlib.import_module("torch._inductor.fx_passes.efficient_conv_bn_eval")

CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _pairs(gm):
    """(conv target, BatchNorm target, BatchNorm nodes) for every foldable group, as the task defines them."""
    modules = dict(gm.named_modules())
    calls = {}
    for node in gm.graph.nodes:
        if node.op == "call_module":
            calls.setdefault(node.target, []).append(node)
    for target, conv_nodes in calls.items():
        if not isinstance(modules[target], CONVS):
            continue
        bn_nodes = []
        for node in conv_nodes:
            users = list(node.users)
            if len(users) != 1 or users[0].op != "call_module" or not isinstance(modules[users[0].target], NORMS):
                break
            bn_nodes.append(users[0])
        else:
            bns = {n.target for n in bn_nodes}
            if len(bns) == 1 and modules[bn_nodes[0].target].running_var is not None:
                yield target, bn_nodes[0].target, bn_nodes


def _drop(gm, bn_nodes):
    for bn_node in bn_nodes:
        bn_node.replace_all_uses_with(bn_node.args[0])
        gm.graph.erase_node(bn_node)


def fold_conv_bn(gm):
    gm = copy.deepcopy(gm)
    for conv_t, bn_t, bn_nodes in list(_pairs(gm)):
        conv, bn = gm.get_submodule(conv_t), gm.get_submodule(bn_t)
        with torch.no_grad():
            weight, bias = _ecbe.efficient_conv_bn_eval_decomposed(
                bn.weight, bn.bias, bn.running_mean, bn.running_var, bn.eps, lambda x, w, b, *rest: (w, b),
                conv.weight, conv.bias, None, ())
        conv.weight, conv.bias = nn.Parameter(weight.clone()), nn.Parameter(bias.clone())
        _drop(gm, bn_nodes)
    gm.recompile()
    return gm
