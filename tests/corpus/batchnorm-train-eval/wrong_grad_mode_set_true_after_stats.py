"""Wrong: the running statistics are updated between torch.set_grad_enabled(False) and
torch.set_grad_enabled(True) instead of inside a with block, so a forward called by a caller under torch.no_grad()
leaves grad mode on (the task: leave torch's settings as you found them). Derived from the reference solution for batchnorm-train-eval (seed 001-25)."""

# %%
import torch
import torch.nn as nn


# %% [markdown]
# Batch normalisation behaves differently in the two modes. In `train()` it normalises with
# the batch's own mean and (biased) variance over (N, H, W) and updates running estimates
# with the unbiased variance; in `eval()` it uses the running estimates, so one sample's
# output no longer depends on the rest of the batch.
#
#     running = (1 - momentum) * running + momentum * batch_statistic
#     momentum=None: a cumulative average, momentum = 1 / num_batches_tracked
#
# An explicit momentum (0.0 and 1.0 included) is used as given. After a step the running
# statistics are plain tensors (no graph, no requires_grad); eval() changes neither them nor the
# input. Any N, H, W with N * H * W > 1 and any memory layout (channels_last) must work.
# `nn.BatchNorm*`, `F.batch_norm` and the normalisations that compute the same thing on a
# reshaped input (`F.instance_norm`, `F.layer_norm`, `F.group_norm`, `F.rms_norm`) are off limits.

# %%
class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        ### BEGIN SOLUTION
        self.eps, self.momentum = eps, momentum
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        if self.training:
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
            n = x.numel() / x.shape[1]
            torch.set_grad_enabled(False)  # no graph for the running statistics
            self.num_batches_tracked += 1
            m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
            self.running_var.mul_(1 - m).add_(var.detach() * n / (n - 1), alpha=m)
            torch.set_grad_enabled(True)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + self.eps)
        if hasattr(self, "weight"):
            y = y * self.weight[None, :, None, None] + self.bias[None, :, None, None]
        return y
        ### END SOLUTION
