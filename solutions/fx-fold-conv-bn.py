"""Reference solution for fx-fold-conv-bn (seeds 000-08, 000-19, 000-12, 000-03, 001-36)."""

# %%
import copy

import torch
import torch.fx
from torch import nn


# %% [markdown]
# "Static-graph optimization" in PyTorch 2.x: `torch.compile` captures your eager code as a graph (TorchDynamo), and
# Inductor rewrites the graph before it generates code. It fuses chains of elementwise operations into one kernel, and
# for inference (`torch._inductor.config.freezing = True`) it folds constants: an eval-mode BatchNorm after a
# convolution is an affine map per output channel, so it can be folded into the convolution's weight and bias, and
# the BatchNorm disappears from the graph. That is what you write here, as an FX pass.
#
# With `s = gamma / sqrt(running_var + eps)` per output channel (gamma = 1 and beta = 0 for a BatchNorm without
# affine parameters, b = 0 for a conv without bias): `W' = W * s` (s along the output-channel dimension of the
# weight) and `b' = (b - running_mean) * s + beta`.
#
# `fold_conv_bn(gm)` takes a `torch.fx.symbolic_trace` of an eval-mode model and returns a GraphModule with the same
# outputs where every foldable Conv{1,2,3}d -> BatchNorm{1,2,3}d pair is folded: the BatchNorm node is gone and the
# conv module under the same name is the folded convolution. Leave alone what cannot be folded: a BatchNorm without
# running statistics, a conv whose output is used elsewhere too, a BatchNorm that does not directly follow a conv, a
# transposed convolution, and a conv module that is also called somewhere its BatchNorm does not follow (its weights
# are shared by every call). Do not change the GraphModule you are given. The exact contract is in the README.

# %%
CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def fold_conv_bn(gm):
    ### BEGIN SOLUTION
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
    ### END SOLUTION
