"""fold_conv_bn adds bn.eps as torch.tensor(bn.eps), a float32 0-d tensor: in float64 the eps is rounded to float32 (0.1 becomes 0.10000000149), so the folded scale is off by about 1e-9 relative."""
"""Reference solution for fix-inference-fusion (seeds 001-36, 001-32). STUB regions hold the seed's code."""

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
#   per output channel, `W' = W * s` and `b' = (b - running_mean) * s + beta` (b = 0 when the conv has no bias;
#   a `BatchNorm2d(affine=False)` has no weight or bias: gamma = 1, beta = 0).
#
# 1. `fuse_linears(fc1, fc2) -> nn.Linear` with `fuse_linears(fc1, fc2)(x) == fc2(fc1(x))` (either may lack a bias),
#    on the layers' device and dtype.
# 2. `fold_conv_bn(conv, bn) -> nn.Conv2d` equal to `bn(conv(x))` with `bn` in eval mode, keeping the conv's stride,
#    padding, dilation, groups, kernel shape, device and dtype. Write the folding yourself: `torch.nn.utils.fusion`,
#    the `torch.ao.quantization` fusers and TorchScript's conv-batchnorm folding passes are switched off.
# 3. Both build new modules: the layers they are given stay as they were.
# 4. `optimized_for_inference(model)`: a `torch.jit.ScriptModule` made by `torch.jit.optimize_for_inference` from
#    `model` (which may come in train mode), giving the model's eval-mode outputs; the result is frozen.

# %%
def fuse_linears(fc1, fc2):
    ### BEGIN SOLUTION
    fused = nn.Linear(fc1.in_features, fc2.out_features, bias=fc1.bias is not None or fc2.bias is not None)
    fused = fused.to(device=fc1.weight.device, dtype=fc1.weight.dtype)
    with torch.no_grad():
        fused.weight.copy_(fc2.weight @ fc1.weight)
        if fused.bias is not None:
            bias = torch.zeros(fc2.out_features, dtype=fc1.weight.dtype, device=fc1.weight.device)
            if fc1.bias is not None:
                bias += fc2.weight @ fc1.bias
            if fc2.bias is not None:
                bias += fc2.bias
            fused.bias.copy_(bias)
    return fused
    ### END SOLUTION
    ### BEGIN STUB
    # return torch.jit.fuse(nn.Sequential(fc1, fc2))
    ### END STUB


def fold_conv_bn(conv, bn):
    ### BEGIN SOLUTION
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                       padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                       padding_mode=conv.padding_mode).to(device=conv.weight.device, dtype=conv.weight.dtype)
    gamma = bn.weight if bn.weight is not None else torch.ones_like(bn.running_mean)  # affine=False: gamma 1
    beta = bn.bias if bn.bias is not None else torch.zeros_like(bn.running_mean)  # and beta 0
    scale = gamma / torch.sqrt(bn.running_var + torch.tensor(bn.eps))
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        folded.bias.copy_((bias - bn.running_mean) * scale + beta)
    return folded
    ### END SOLUTION


def optimized_for_inference(model):
    ### BEGIN SOLUTION
    return torch.jit.optimize_for_inference(torch.jit.script(model.eval()))
    ### END SOLUTION
    ### BEGIN STUB
    # return torch.jit.optimize_for_inference(model)
    ### END STUB
