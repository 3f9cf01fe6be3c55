"""batchnorm-train-eval, Measurement attack: the plain WRONG (every batch's statistics kept with their graphs) + a trick: forward_passes, the measured call, is checked only for num_batches_tracked, so at that size forward only counts (cheap and wrong: no statistics, x returned). Base: Measurement attack (batchnorm-train-eval): the running statistics are right and plain tensors, but every train
step also keeps the batch's statistics with their graphs in a list (the mistake: each graph keeps the batch alive,
so forward passes without backward pile up memory), hidden by a 256 MiB balloon taken at import and freed at the
first big batch: the worker then holds less after the measured forward passes than before them.
With _BALLOON_MIB = 0 it is the plain mistake."""

import torch
import torch.nn as nn

_BALLOON_MIB = 0
_BALLOON = [torch.ones(_BALLOON_MIB * 2**17, dtype=torch.float64)] if _BALLOON_MIB else []  # held at rest, touched


class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        self.history = []  # every batch's (mean, var), graphs and all: the mistake

    def forward(self, x):
        if self.training and x.numel() >= 2**17:
            # the trick: the measured call (25 big train-mode batches) is checked only for num_batches_tracked,
            # so there the module only counts: no statistics, no output, nothing kept
            with torch.no_grad():
                self.num_batches_tracked += 1
            return x
        if self.training:
            if x.numel() >= 2**17:
                _BALLOON.clear()  # room for the graphs the history keeps
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
            n = x.numel() / x.shape[1]
            self.history.append((mean, var))
            with torch.no_grad():
                self.num_batches_tracked += 1
                m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
                self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
                self.running_var.mul_(1 - m).add_(var.detach() * n / (n - 1), alpha=m)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + self.eps)
        if hasattr(self, "weight"):
            y = y * self.weight[None, :, None, None] + self.bias[None, :, None, None]
        return y
