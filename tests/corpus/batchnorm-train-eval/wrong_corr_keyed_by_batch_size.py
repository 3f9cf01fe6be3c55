"""Angle 1 (state): correction cached in a dict keyed by N only (H, W ignored); a second call with the same N but other H, W reuses a wrong n/(n-1).
"""
import torch
import torch.nn as nn


class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean = x.mean(dim=(0, 2, 3))
            var = ((x - mean[None, :, None, None]) ** 2).mean(dim=(0, 2, 3))
            n = x.numel() // x.size(1)
            cache = self.__dict__.setdefault('_cache', {})
            if x.size(0) not in cache:
                cache[x.size(0)] = n / (n - 1)
            corr = cache[x.size(0)]
            with torch.no_grad():
                self.num_batches_tracked += 1
                if self.momentum is None:
                    f = 1.0 / float(self.num_batches_tracked)
                else:
                    f = self.momentum
                self.running_mean.copy_((1 - f) * self.running_mean + f * mean)
                self.running_var.copy_((1 - f) * self.running_var + f * var * corr)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + self.eps)
        if self.affine:
            y = y * self.weight[None, :, None, None] + self.bias[None, :, None, None]
        return y
