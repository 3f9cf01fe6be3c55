"""Breaks: "a mask that does not (one with more batch dimensions than `q`, say) raises `RuntimeError`". Squeezes leading size-1 dims of the mask instead of raising, so a (1, 1, L, S) mask on 3-D q is accepted."""

import math

import torch


def _scores(q, k, attn_mask, is_causal, scale):
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    if is_causal and attn_mask is not None:
        raise RuntimeError("is_causal and attn_mask cannot be given together")
    target = tuple(q.shape[:-2]) + (L, S)
    if attn_mask is not None:
        while attn_mask.dim() > len(target) and attn_mask.shape[0] == 1:
            attn_mask = attn_mask[0]
        if attn_mask.dim() > len(target) or torch.broadcast_shapes(attn_mask.shape, target) != torch.Size(target):
            raise RuntimeError("attn_mask does not broadcast to the scores' shape")
    scale = 1.0 / math.sqrt(E) if scale is None else scale
    s = (q @ k.transpose(-2, -1)) * scale
    if is_causal:
        keep = torch.ones(L, S, dtype=torch.bool, device=q.device).tril()
        s = s.masked_fill(~keep, float("-inf"))
    elif attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            s = s.masked_fill(~attn_mask, float("-inf"))
        else:
            s = s + attn_mask
    return s


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    s = _scores(q, k, attn_mask, is_causal, scale)
    dead = torch.isneginf(s).all(-1, keepdim=True)
    s = s.masked_fill(dead, 0.0)
    return torch.softmax(s, -1).masked_fill(dead, 0.0)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
