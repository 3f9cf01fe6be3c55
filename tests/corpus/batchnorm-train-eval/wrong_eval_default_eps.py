"""Violates: eval() must match nn.BatchNorm2d(num_features, eps=...): in eval mode it uses the default 1e-5 instead of self.eps (train mode uses self.eps correctly), so any non-default eps gives different eval outputs."""
import torch
from torch import nn as tnn, einsum


def _chan_stats(inp):
    count = inp.numel() // inp.shape[1]
    mu = einsum("nchw->c", inp) / count
    dev = inp - mu.reshape(1, -1, 1, 1)
    sigma2 = einsum("nchw,nchw->c", dev, dev) / count
    return mu, sigma2, count


class MyBatchNorm2d(tnn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        self.num_features, self.eps, self.momentum, self.affine = num_features, eps, momentum, affine
        if affine:
            self.weight = tnn.Parameter(torch.full((num_features,), 1.0))
            self.bias = tnn.Parameter(torch.full((num_features,), 0.0))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        for name, val in (("running_mean", torch.zeros(num_features)),
                          ("running_var", torch.ones(num_features)),
                          ("num_batches_tracked", torch.tensor(0))):
            self.register_buffer(name, val)

    def forward(self, inp):
        if self.training:
            mu, sigma2, count = _chan_stats(inp)
            with torch.no_grad():
                self.num_batches_tracked += 1
                w = self.momentum if self.momentum is not None else 1.0 / int(self.num_batches_tracked)
                self.running_mean.lerp_(mu.detach(), w)
                self.running_var.lerp_(sigma2.detach() * (count / (count - 1)), w)
        else:
            mu, sigma2 = self.running_mean, self.running_var
        scale = (sigma2 + (self.eps if self.training else 1e-5)).rsqrt()
        if self.affine:
            scale = scale * self.weight
            shift = self.bias - mu * scale
        else:
            shift = -mu * scale
        return inp * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)
