"""Violates: 'a float one is added to the scores' (must match torch). Masked positions are filled with -1e9 and a row counts as dead when its max is below -1e8: a float mask row of all -1e9 (a common additive mask) gets zero weights, while torch gives the plain softmax of the row (the constant -1e9 cancels out of the softmax)."""
import math
from functools import partial

import torch
import torch.nn.functional as Fn


def _check_and_bias(scores, attn_mask, is_causal):
    L, S = scores.shape[-2:]
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("cannot combine is_causal with attn_mask")
        keep = torch.ones((L, S), dtype=torch.bool, device=scores.device).tril()
        return scores.masked_fill(keep.logical_not(), -1e9)
    if attn_mask is None:
        return scores
    if torch.broadcast_shapes(tuple(scores.shape), tuple(attn_mask.shape)) != scores.shape:
        raise RuntimeError("attn_mask does not broadcast to the scores")
    if attn_mask.dtype is torch.bool:
        return scores.masked_fill(~attn_mask, -1e9)
    return scores + attn_mask


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    factor = (1.0 / math.sqrt(q.size(-1))) if scale is None else scale
    scores = torch.matmul(q, k.mT).mul(factor)
    scores = _check_and_bias(scores, attn_mask, is_causal)
    dead = scores.amax(-1, keepdim=True) < -1e8
    safe = scores.masked_fill(dead, 0.0)
    lse = safe.logsumexp(dim=-1, keepdim=True)
    w = (safe - lse).exp()
    return w.masked_fill(dead, 0.0)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    weights = partial(attention_weights, attn_mask=attn_mask, is_causal=is_causal, scale=scale)
    return torch.matmul(weights(q, k), v)
