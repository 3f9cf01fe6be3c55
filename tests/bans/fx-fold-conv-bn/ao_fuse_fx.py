"""Channel: the quantization toolkit's FX fuser: torch.ao.quantization.quantize_fx.fuse_fx on an eval-mode
GraphModule folds each Conv/BatchNorm pattern through the fuser method mappings."""

import copy

from torch.ao.quantization import quantize_fx


def fold_conv_bn(gm):
    return quantize_fx.fuse_fx(copy.deepcopy(gm))
