"""Channel: torch.ao.pruning's WeightNormSparsifier with 1x1 blocks and an L1 norm, which computes the
same magnitude mask, for l1_unstructured_mask (the rest left to torch.nn.utils.prune)."""

import torch
import torch.nn.utils.prune as pr
from torch.ao.pruning import WeightNormSparsifier


def l1_unstructured_mask(weight, amount):
    k = amount if isinstance(amount, int) else round(amount * weight.numel())
    holder = torch.nn.Sequential(torch.nn.Linear(1, 1))
    with torch.no_grad():
        holder[0].weight = torch.nn.Parameter(weight.detach().clone().reshape(weight.shape[0], -1))
    sparsifier = WeightNormSparsifier(sparsity_level=k / weight.numel(), sparse_block_shape=(1, 1),
                                      zeros_per_block=1, norm=1)
    sparsifier.prepare(holder, [{"tensor_fqn": "0.weight"}])
    sparsifier.step()
    return holder[0].parametrizations.weight[0].mask.to(weight.dtype).reshape(weight.shape)


def prune_linear(module, amount):
    pr.l1_unstructured(module, "weight", amount=amount)
    return module


def remove_pruning(module):
    pr.remove(module, "weight")
    return module


def global_l1_masks(tensors, amount):
    flat = torch.cat([t.flatten() for t in tensors])
    mask = l1_unstructured_mask(flat[None], amount)[0]
    return [m.view(t.shape) for m, t in zip(mask.split([t.numel() for t in tensors]), tensors)]
