"""Violates "A query with no allowed key gets all-zero weights and a zero output": with no key at all (S = 0) it
takes amax over the empty key dimension, which raises instead of returning zeros."""

import math
from torch import einsum, broadcast_to, ones, where, zeros_like
import torch


def _allowed_and_bias(q, k, attn_mask, is_causal, shape):
    L, S = q.shape[-2], k.shape[-2]
    keep = None
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("is_causal with attn_mask")
        keep = ones(L, S, dtype=torch.bool, device=q.device).tril()
    if attn_mask is not None:
        m = broadcast_to(attn_mask, shape)
        if m.dtype == torch.bool:
            keep = m
        else:
            bias = m
    return keep, bias


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    E = q.size(-1)
    sc = (1.0 / math.sqrt(E)) if scale is None else scale
    logits = einsum("...le,...se->...ls", q, k) * sc
    keep, bias = _allowed_and_bias(q, k, attn_mask, is_causal, logits.shape)
    if bias is not None:
        logits = logits + bias
    if keep is not None:
        logits = logits.masked_fill(~keep, float("-inf"))
    top = logits.amax(dim=-1, keepdim=True).detach()
    top = where(torch.isfinite(top), top, torch.zeros_like(top))
    ex = torch.exp(logits - top)
    den = ex.sum(dim=-1, keepdim=True)
    den = where(den == 0, torch.ones_like(den), den)
    return ex / den


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    w = attention_weights(q, k, attn_mask=attn_mask, is_causal=is_causal, scale=scale)
    return einsum("...ls,...sv->...lv", w, v)
