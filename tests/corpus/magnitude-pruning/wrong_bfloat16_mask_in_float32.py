"""Breaks: "a mask of `weight`'s shape and dtype". How: the mask is float64 for float64 weights and float32 otherwise (a float16/bfloat16 weight gets a float32 mask)."""
"""Reference solution for magnitude-pruning (seed 001-30)."""

# %%
import torch
import torch.nn as nn


# %% [markdown]
# Unstructured magnitude pruning zeroes the weights of smallest |w|. PyTorch keeps the
# trainable tensor as `weight_orig`, the 0/1 `weight_mask` as a buffer, and recomputes
# `weight = weight_orig * weight_mask` before every forward, so pruned entries stay zero
# while training goes on. Making it permanent folds the mask in and removes the hook.
# (The zeros save nothing by themselves: dense kernels still multiply them.)
#
# Ties: when several entries share |w| at the cut, prune them in row-major (flat index) order,
# lowest first (a stable sort does; `torch.topk` leaves the order of ties unspecified). In
# `global_l1_masks` the order is the list's, then row-major within each tensor. `weight_orig` must
# be the module's original Parameter (an optimizer built before pruning keeps training it);
# `module.weight` is set right away, and both prune_linear and remove_pruning return the module.

# %%
def l1_unstructured_mask(weight, amount):
    ### BEGIN SOLUTION
    k = amount if isinstance(amount, int) else round(amount * weight.numel())
    mask = torch.ones(weight.shape, dtype=torch.float64 if weight.dtype == torch.float64 else torch.float32, device=weight.device)
    # a stable sort puts tied magnitudes in row-major order (torch.topk leaves their order unspecified)
    order = torch.sort(weight.detach().abs().reshape(-1), stable=True).indices
    mask.view(-1)[order[:k]] = 0
    return mask
    ### END SOLUTION


def prune_linear(module, amount):
    ### BEGIN SOLUTION
    orig = module.weight
    mask = l1_unstructured_mask(orig, amount)
    del module._parameters["weight"]
    module.register_parameter("weight_orig", orig)  # the same Parameter: optimizers keep working
    module.register_buffer("weight_mask", mask)
    module.weight = orig * mask

    def apply_mask(m, inputs):
        m.weight = m.weight_orig * m.weight_mask

    module._prune_hook = module.register_forward_pre_hook(apply_mask)
    return module
    ### END SOLUTION


def remove_pruning(module):
    ### BEGIN SOLUTION
    weight = (module.weight_orig * module.weight_mask).detach()
    module._prune_hook.remove()
    del module._prune_hook, module.weight
    del module._parameters["weight_orig"], module._buffers["weight_mask"]
    module.weight = nn.Parameter(weight)
    return module
    ### END SOLUTION


def global_l1_masks(tensors, amount):
    ### BEGIN SOLUTION
    scores = torch.cat([t.detach().abs().reshape(-1) for t in tensors])
    k = amount if isinstance(amount, int) else round(amount * scores.numel())
    keep = torch.ones_like(scores)
    keep[torch.sort(scores, stable=True).indices[:k]] = 0
    return [m.view_as(t) for m, t in zip(keep.split([t.numel() for t in tensors]), tensors)]
    ### END SOLUTION
