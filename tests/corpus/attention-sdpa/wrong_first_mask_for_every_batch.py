"""Reshapes the mask to (L, S) and keeps its first slice: a per-batch mask (B, 1, L, S) or a key-padding mask is
applied as if every batch element had the first one's."""

import math

import torch


def _softmax_rows(scores):
    """softmax over the last dim; rows with no finite score give zeros (and zero gradient)."""
    dead = torch.isneginf(scores).all(-1, keepdim=True)
    return torch.softmax(scores.masked_fill(dead, 0.0), dim=-1).masked_fill(dead, 0.0)


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask and is_causal cannot both be set")
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    L, S = q.size(-2), k.size(-2)
    if attn_mask is not None:
        attn_mask.expand(scores.shape)
        attn_mask = attn_mask.expand(*attn_mask.shape[:-2], L, S).reshape(-1, L, S)[0]
    if is_causal:
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool, device=q.device).tril(), -math.inf)
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, -math.inf) if attn_mask.dtype == torch.bool else scores + attn_mask
    return _softmax_rows(scores)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
