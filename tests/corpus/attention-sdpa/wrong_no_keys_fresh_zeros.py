"""Wrong: with no key at all (S = 0) it returns fresh zeros, cut off the graph: with only q (or k) requiring grad the output does not require grad and q gets no gradient, where torch's output stays in the graph with a zero gradient."""

# %%
import math

import torch


# %% [markdown]
# Attention scores every query against every key, turns each row of scores into weights
# with a softmax, and returns the weighted sum of the values:
# `softmax(q @ k^T * scale + mask) @ v`, with `scale = 1 / sqrt(E)` by default. A boolean
# mask keeps the True positions; a float mask is added to the scores; `is_causal` keeps
# key j for query i only if j <= i. A row whose keys are all masked gets weights of zero.

# %%
def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    ### BEGIN SOLUTION
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask and is_causal=True cannot be used together")
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale
    L, S = scores.shape[-2:]
    if attn_mask is not None and torch.broadcast_shapes(attn_mask.shape, scores.shape) != scores.shape:
        raise RuntimeError(f"attn_mask of shape {tuple(attn_mask.shape)} does not broadcast to {tuple(scores.shape)}")
    allowed = torch.ones(L, S, dtype=torch.bool, device=q.device)
    if is_causal:
        allowed = allowed.tril()
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        allowed = allowed & attn_mask
    elif attn_mask is not None:
        scores = scores + attn_mask
    allowed = allowed & (scores > float("-inf"))
    scores = scores.masked_fill(~allowed, float("-inf"))
    if S == 0:  # no key at all: amax has no row to reduce; empty weights give a zero output (and zero gradients)
        return torch.zeros(scores.shape, dtype=scores.dtype)
    top = scores.amax(dim=-1, keepdim=True).masked_fill(~allowed.any(-1, keepdim=True), 0.0)
    e = torch.exp(scores - top.detach())  # subtracting the row maximum keeps exp from overflowing
    total = e.sum(dim=-1, keepdim=True)
    return e / torch.where(total > 0, total, torch.ones_like(total))  # all-masked rows stay 0, not nan
    ### END SOLUTION


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    ### BEGIN SOLUTION
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
    ### END SOLUTION
