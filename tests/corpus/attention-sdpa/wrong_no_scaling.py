"""Forgets to scale the scores by 1 / sqrt(E)."""

import math

import torch


def _softmax_rows(scores):
    """softmax over the last dim; rows with no finite score give zeros (and zero gradient)."""
    dead = torch.isneginf(scores).all(-1, keepdim=True)
    return torch.softmax(scores.masked_fill(dead, 0.0), dim=-1).masked_fill(dead, 0.0)


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask and is_causal cannot both be set")
    if scale is None:
        scale = q.size(-1) ** -0.5
    scores = torch.matmul(q, k.transpose(-1, -2))
    L, S = q.size(-2), k.size(-2)
    if is_causal:
        causal = torch.ones(L, S, dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~causal, -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, -math.inf)
        else:
            scores = scores + attn_mask
    return _softmax_rows(scores)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return torch.matmul(attention_weights(q, k, attn_mask, is_causal, scale), v)
