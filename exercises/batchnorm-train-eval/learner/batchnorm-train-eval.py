# %% [markdown]
# # BatchNorm2d from scratch: batch statistics in train(), running statistics in eval()
#
# `batchnorm-train-eval` · code · medium · about 30 min
#
# Write `MyBatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True)`, an `nn.Module` that behaves exactly as
# `nn.BatchNorm2d` on `(N, C, H, W)` input, in both modes:
#
# * parameters `weight` (ones) and `bias` (zeros) when `affine`; buffers `running_mean` (zeros), `running_var` (ones)
#   and `num_batches_tracked` (a 0-d int64 0), so that the `state_dict` has `nn.BatchNorm2d`'s keys in its order;
# * `train()`: normalise each channel with the batch mean and biased variance over (N, H, W), then scale and shift;
#   increment `num_batches_tracked` and update the running statistics with factor `momentum` (the unbiased variance;
#   `momentum=None` means a cumulative average, factor `1 / num_batches_tracked`);
# * `eval()`: normalise with the running statistics and leave them unchanged.
#
# Outputs, running statistics and gradients must match `nn.BatchNorm2d` (float64, 1e-9). `nn.BatchNorm*` and
# `F.batch_norm` are off limits. The seed adds a BatchNorm layer but never switches between `train()` and `eval()`.
#
# Check your work: `prep check batchnorm-train-eval`. Stuck? `prep hint batchnorm-train-eval`.

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

# %%
class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        raise NotImplementedError("batchnorm-train-eval: your code here")

    def forward(self, x):
        raise NotImplementedError("batchnorm-train-eval: your code here")
