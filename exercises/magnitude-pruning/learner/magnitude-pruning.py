# %% [markdown]
# # Magnitude pruning from scratch: L1 masks, a mask that survives training, making it permanent, global pruning
#
# `magnitude-pruning` · code · medium · about 30 min
#
# Write, without `torch.nn.utils.prune`:
#
# * `l1_unstructured_mask(weight, amount)`: a mask of `weight`'s shape and dtype, 0 at the `k` entries of smallest
#   `|w|` and 1 elsewhere, where `k = round(amount * weight.numel())` for a float amount and `k = amount` for an int.
# * `prune_linear(module, amount)`: prune an `nn.Linear`'s weight in place, as `prune.l1_unstructured` does: afterwards
#   its parameters are `weight_orig` (the original Parameter) and `bias`, its buffers `weight_mask`, and before every
#   forward `module.weight` is recomputed as `weight_orig * weight_mask`, so pruned entries stay 0 through training.
# * `remove_pruning(module)`: make it permanent: `weight` becomes a plain Parameter holding the masked values;
#   `weight_orig`, `weight_mask` and the hook are gone.
# * `global_l1_masks(tensors, amount)`: one mask per tensor, pruning the smallest entries across all of them together
#   (`prune.global_unstructured` with `L1Unstructured`).
#
# The seed calls `pruning_utils.prune(...)`, which does not exist.
#
# Check your work: `prep check magnitude-pruning`. Stuck? `prep hint magnitude-pruning`.

# %%
import torch
import torch.nn as nn

# %% [markdown]
# Unstructured magnitude pruning zeroes the weights of smallest |w|. PyTorch keeps the
# trainable tensor as `weight_orig`, the 0/1 `weight_mask` as a buffer, and recomputes
# `weight = weight_orig * weight_mask` before every forward, so pruned entries stay zero
# while training goes on. Making it permanent folds the mask in and removes the hook.
# (The zeros save nothing by themselves: dense kernels still multiply them.)

# %%
def l1_unstructured_mask(weight, amount):
    raise NotImplementedError("magnitude-pruning: your code here")


def prune_linear(module, amount):
    raise NotImplementedError("magnitude-pruning: your code here")


def remove_pruning(module):
    raise NotImplementedError("magnitude-pruning: your code here")


def global_l1_masks(tensors, amount):
    raise NotImplementedError("magnitude-pruning: your code here")
