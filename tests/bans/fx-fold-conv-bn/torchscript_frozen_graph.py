"""Channel: torch._C bindings: TorchScript's frozen-graph optimizer. Each pair is scripted as nn.Sequential(conv, bn),
frozen with torch._C._freeze_module and optimized with torch._C._jit_pass_optimize_frozen_graph, whose C++ folds the
BatchNorm into the conv (FoldFrozenConvBatchnorm); the folded weight and bias are read back from the graph's
constants."""

import copy
import warnings

import torch
from torch import nn

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


def _folded(conv, bn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(nn.Sequential(copy.deepcopy(conv), copy.deepcopy(bn)).eval())
    frozen = torch._C._freeze_module(scripted._c)
    graph = frozen._get_method("forward").graph
    torch._C._jit_pass_optimize_frozen_graph(graph, True)
    consts = [n.output().toIValue() for n in graph.nodes() if n.kind() == "prim::Constant"
              and isinstance(n.output().toIValue(), torch.Tensor)]
    weight = next(t for t in consts if t.dim() == conv.weight.dim())
    bias = next(t for t in consts if t.dim() == 1 and t.numel() == conv.out_channels)
    return weight, bias


def fold_conv_bn(gm):
    gm = copy.deepcopy(gm)
    for conv_t, bn_t, bn_nodes in list(_pairs(gm)):
        conv = gm.get_submodule(conv_t)
        weight, bias = _folded(conv, gm.get_submodule(bn_t))
        conv.weight, conv.bias = nn.Parameter(weight.clone()), nn.Parameter(bias.clone())
        _drop(gm, bn_nodes)
    gm.recompile()
    return gm
