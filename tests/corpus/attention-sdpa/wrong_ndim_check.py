"""Violates: 'either broadcasts to the scores' shape (..., L, S); a mask that does not ... raises RuntimeError'. Only the number of dims is checked. A mask (4, L, S) with q of batch (1, L, E) broadcasts the other way: the output silently grows to (4, L, Ev) where torch raises RuntimeError."""
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
        return scores.masked_fill(keep.logical_not(), -math.inf)
    if attn_mask is None:
        return scores
    if attn_mask.dim() > scores.dim():
        raise RuntimeError("attn_mask does not broadcast to the scores")
    if attn_mask.dtype is torch.bool:
        return scores.masked_fill(~attn_mask, -math.inf)
    return scores + attn_mask


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    factor = (1.0 / math.sqrt(q.size(-1))) if scale is None else scale
    scores = torch.matmul(q, k.mT).mul(factor)
    scores = _check_and_bias(scores, attn_mask, is_causal)
    dead = scores.isneginf().all(-1, keepdim=True)
    safe = scores.masked_fill(dead, 0.0)
    lse = safe.logsumexp(dim=-1, keepdim=True)
    w = (safe - lse).exp()
    return w.masked_fill(dead, 0.0)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    weights = partial(attention_weights, attn_mask=attn_mask, is_causal=is_causal, scale=scale)
    return torch.matmul(weights(q, k), v)
