"""Correct, another way: einsum scores, one additive bias built from every mask, and weights exp(s - logsumexp(s))
where the logsumexp of an all-masked row is taken over zeros (so no nan ever appears, in values or gradients).
Shape checks come from expand(), which raises RuntimeError by itself."""

from math import sqrt as square_root

import torch as T


def _bias(L, S, attn_mask, is_causal, like):
    bias = like.new_zeros(L, S)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("give attn_mask or is_causal, not both")
        bias = bias.masked_fill(T.ones(L, S, dtype=T.bool, device=like.device).triu(1), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype is T.bool:
            bias = T.zeros_like(attn_mask, dtype=like.dtype).masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            bias = attn_mask
    return bias


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    factor = scale if scale is not None else 1.0 / square_root(q.shape[-1])
    logits = T.einsum("...le,...se->...ls", q, k) * factor
    logits = logits + _bias(q.shape[-2], k.shape[-2], attn_mask, is_causal, q).expand(logits.shape)
    empty = T.isneginf(logits).all(dim=-1, keepdim=True)
    lse = T.logsumexp(logits.masked_fill(empty, 0.0), dim=-1, keepdim=True)
    return T.exp(logits - lse).masked_fill(empty, 0.0)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return T.einsum("...ls,...sv->...lv", attention_weights(q, k, attn_mask, is_causal, scale), v)
