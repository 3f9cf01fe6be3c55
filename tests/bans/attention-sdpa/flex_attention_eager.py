"""Channel: torch.nn.attention.flex_attention, which runs eagerly on the CPU through a Python math implementation
(the flex_attention higher-order operator), with the masks turned into a score_mod."""

import math

import torch


def _flex():
    from torch.nn.attention import flex_attention as fa
    return fa.flex_attention


def _run(q, k, v, attn_mask, is_causal, scale):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask with is_causal")
    L, S = q.shape[-2], k.shape[-2]
    bias = torch.zeros(L, S, dtype=q.dtype, device=q.device)
    if is_causal:
        bias = bias.masked_fill(~torch.ones(L, S, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    if attn_mask is not None:
        bias = torch.zeros(attn_mask.shape, dtype=q.dtype).masked_fill(~attn_mask, float("-inf")) \
            if attn_mask.dtype == torch.bool else attn_mask
    bias = bias.expand(*q.shape[:-2], L, S).reshape(-1, L, S)
    shape = q.shape
    q4, k4, v4 = (t.reshape(1, -1, *t.shape[-2:]) for t in (q, k, v))

    def score_mod(score, b, h, i, j):
        return score + bias[h, i, j]

    out = _flex()(q4, k4, v4, score_mod=score_mod, scale=1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    return out.reshape(*shape[:-1], v.shape[-1])


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    eye = torch.eye(k.shape[-2], dtype=q.dtype, device=q.device).expand(*k.shape[:-1], k.shape[-2])
    return _run(q, k, eye, attn_mask, is_causal, scale)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return _run(q, k, v, attn_mask, is_causal, scale)
