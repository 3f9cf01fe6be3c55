"""Channel: the QAT ConvBn2d module (torch.ao.nn.intrinsic.qat) built from the pair, then converted back to a float
conv with to_float(), which folds the batch norm."""
import torch
from torch import nn
import torch.ao.nn.intrinsic as nni
import torch.ao.nn.intrinsic.qat as nniqat


def fold_conv_bn(conv, bn):
    pair = nni.ConvBn2d(conv, bn)
    pair.qconfig = torch.ao.quantization.get_default_qat_qconfig("fbgemm")
    qat = nniqat.ConvBn2d.from_float(pair)
    return qat.to_float()


def fuse_linears(fc1, fc2):
    raise NotImplementedError


def optimized_for_inference(model):
    raise NotImplementedError

