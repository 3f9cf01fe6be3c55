"""Builds the fused layers from deep copies and computes the fused values with einsum; freezes explicitly first."""

# %%
import torch
from torch import nn


# %% [markdown]
# The seed "fuses operators" with `torch.jit.fuse(FusedModule())` and optimizes with
# `torch.jit.optimize_for_inference(InferenceOptimizedModel())`. `torch.jit.fuse` does not exist (`AttributeError`),
# and `optimize_for_inference` takes a `ScriptModule` of an eval-mode model, not an `nn.Module` (`RuntimeError:
# optimize_for_inference expects a ScriptModule as input`). What "fusion for inference" concretely does is fold
# operations whose composition is again one operation:
#
# * two `nn.Linear` in a row with nothing between them (the seed's `fc2(fc1(x))`) are one affine map:
#   `W = W2 W1`, `b = W2 b1 + b2`;
# * a `Conv2d` followed by an eval-mode `BatchNorm2d` is one convolution: with `s = gamma / sqrt(running_var + eps)`
#   per output channel, `W' = W * s` and `b' = (b - running_mean) * s + beta` (b = 0 when the conv has no bias).
#
# 1. `fuse_linears(fc1, fc2) -> nn.Linear` with `fuse_linears(fc1, fc2)(x) == fc2(fc1(x))` (either may lack a bias).
# 2. `fold_conv_bn(conv, bn) -> nn.Conv2d` equal to `bn(conv(x))` with `bn` in eval mode, keeping the conv's stride,
#    padding, dilation and groups. Write the folding yourself: `torch.nn.utils.fusion` is off limits.
# 3. `optimized_for_inference(model)`: a `torch.jit.ScriptModule` made by `torch.jit.optimize_for_inference` from
#    `model`, giving the model's eval-mode outputs.

# %%
def fuse_linears(fc1, fc2):
    import copy

    fused = copy.deepcopy(fc2)
    with torch.no_grad():
        b1 = fc1.bias if fc1.bias is not None else torch.zeros_like(fc1.weight[:, 0])
        b2 = fc2.bias if fc2.bias is not None else torch.zeros_like(fc2.weight[:, 0])
        weight = torch.einsum("oh,hi->oi", fc2.weight, fc1.weight)
        fused.in_features = fc1.in_features
        fused.weight = nn.Parameter(weight)
        fused.bias = nn.Parameter(torch.einsum("oh,h->o", fc2.weight, b1) + b2)
    return fused


def fold_conv_bn(conv, bn):
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                       padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                       padding_mode=conv.padding_mode).to(device=conv.weight.device, dtype=conv.weight.dtype)
    gamma = bn.weight if bn.weight is not None else torch.ones_like(bn.running_mean)  # affine=False: gamma 1
    beta = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_mean)  # and beta 0
    scale = gamma / torch.sqrt(bn.running_var + bn.eps)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        folded.bias.copy_((bias - bn.running_mean) * scale + beta)
    return folded


def optimized_for_inference(model):
    model.eval()
    return torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
