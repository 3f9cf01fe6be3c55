"""Channel: torch._VF.batch_norm, the variable-functions binding behind torch.batch_norm."""

import torch
import torch._VF
from torch import nn


def _bn(x, rm, rv, w, b, training, m, eps):
    return torch._VF.batch_norm(x, w, b, rm, rv, training, m, eps, False)


class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.weight = self.bias = None
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0))

    def forward(self, x):
        m = self.momentum
        if self.training:
            self.num_batches_tracked += 1
            if m is None:
                m = 1.0 / float(self.num_batches_tracked)
        return _bn(x, self.running_mean, self.running_var, self.weight, self.bias, self.training, m, self.eps)
