# %% [markdown]
# # Fix the sample answer's torch.jit.fuse: fold Linear-Linear and Conv-BatchNorm by hand, optimize_for_inference right
#
# `fix-inference-fusion` · fix-bug · medium · about 25 min
#
# The stubs are the sample answer's calls. Replace them:
#
# * `fuse_linears(fc1, fc2) -> nn.Linear`: one new Linear equal to `fc2(fc1(x))` for every input, whether or not each
#   layer has a bias, on the layers' device and dtype: its weight is `W2 @ W1` and its bias `W2 @ b1 + b2` (a missing
#   bias counts as zeros);
# * `fold_conv_bn(conv, bn) -> nn.Conv2d`: one new convolution equal to `bn(conv(x))` for `bn` an eval-mode
#   `BatchNorm2d` (its running statistics, affine parameters and eps), for convs with or without bias and with any
#   stride, padding, dilation, groups and kernel shape, keeping the conv's settings, device and dtype; write the folding
#   yourself (`torch.nn.utils.fusion`, the `torch.ao.quantization` fusers and TorchScript's conv-batchnorm folding
#   passes are switched off);
# * both leave the layers they are given unchanged;
# * `optimized_for_inference(model) -> torch.jit.ScriptModule` made with `torch.jit.optimize_for_inference`, giving
#   `model`'s eval-mode outputs, also when `model` comes in train mode; the result is frozen, so calling `.train()` on
#   it or on `model` afterwards does not change its outputs.
#
# Check your work: `prep check fix-inference-fusion`. Stuck? `prep hint fix-inference-fusion`.

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
    return torch.jit.fuse(nn.Sequential(fc1, fc2))


def fold_conv_bn(conv, bn):
    raise NotImplementedError("fix-inference-fusion: your code here")


def optimized_for_inference(model):
    return torch.jit.optimize_for_inference(model)
